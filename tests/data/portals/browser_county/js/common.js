/* the header clock and the favourites helpers every TRS template carries */
function showClock(id) {
  var d = new Date(2026, 10, 20), week = "日一二三四五六";
  document.getElementById(id).innerHTML = "今天是：" + d.getFullYear() + "年" + (d.getMonth() + 1) + "月" +
    d.getDate() + "日 星期" + week.charAt(d.getDay());
}
function SetHome(obj, url) { try { obj.style.behavior = "url(#default#homepage)"; obj.setHomePage(url); } catch (e) {} }
function AddFavorite(url, title) { try { window.external.addFavorite(url, title); } catch (e) {} }
