/* a visit counter as statistics services write it: a 1x1 image and a number */
(function () {
  var img = new Image(1, 1);
  img.src = "/images/count.png?site=5201230001&r=" + Math.random();
  var span = document.createElement("span");
  span.className = "count";
  span.innerHTML = "访问量：1234567";
  document.body.appendChild(span);
})();
