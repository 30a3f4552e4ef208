// 乡镇（街道）网站 drop-down, written into the footer (a Hanweb/TRS "include" script)
document.write('<select name="xzlj" onchange="javascript:window.open(this.options[this.selectedIndex].value)">');
document.write('<option value="">乡镇（街道）网站</option>');
document.write('<option value="http://cgz.mmx.gov.cn/">城关镇</option>');
document.write('<option value="http://yx.mmx.gov.cn/">乙乡人民政府</option>');
document.write('<option value="http://xgjd.mmx.gov.cn/">新港街道办事处</option>');
document.write('</select>');
