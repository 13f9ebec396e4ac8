# ruff: noqa: E501
"""TRS WCM / 海云 markup: xxgk table list (old WCM, inline createPageHTML), <ul> list (海云), article.

Templates are data: {{name}} placeholders are filled by synth.farm.chrome.fill."""

WCM_PAGER_JS = """<script language="javascript">
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
	if(_nPageCount == null || _nPageCount<=1){
		return;
	}
	var nCurrIndex = _nCurrIndex || 0;
	if(nCurrIndex == 0)
		document.write("<span class=\\"first\\">首页</span>&nbsp;<span class=\\"prev\\">上一页</span>&nbsp;");
	else{
		var nPreIndex = nCurrIndex - 1;
		var sPreFileExt = nPreIndex == 0 ? "" : ("_" + nPreIndex);
		document.write("<a href=\\""+_sPageName+"."+_sPageExt+"\\">首页</a>&nbsp;");
		document.write("<a href=\\""+_sPageName+ sPreFileExt+"."+_sPageExt+"\\">上一页</a>&nbsp;");
	}
	if(nCurrIndex == (_nPageCount-1))
		document.write("<span class=\\"next\\">下一页</span>&nbsp;<span class=\\"last\\">尾页</span>");
	else{
		var nNextIndex = nCurrIndex + 1;
		document.write("<a href=\\""+_sPageName+"_" + nNextIndex + "."+_sPageExt+"\\">下一页</a>&nbsp;");
		document.write("<a href=\\""+_sPageName+"_" + (_nPageCount-1) + "."+_sPageExt+"\\">尾页</a>");
	}
	document.write("&nbsp;共" + _nPageCount + "页");
}
</script>"""

WCM_LIST = """<div class="xxgk-list">
<div class="list-tit"><h3>{{name}}</h3></div>
<table width="100%" border="0" cellspacing="0" cellpadding="0" class="tb-list">
<tr><th width="6%">序号</th><th width="46%">名称</th><th width="20%">索引号</th><th width="16%">发布机构</th><th width="12%">发布日期</th></tr>
{{rows}}
</table>
<div class="page" align="center">
<script language="javascript">createPageHTML({{count}}, {{cur}}, "index", "html");</script>
</div>
</div>
"""

WCM_ROW = ('<tr><td>{{n}}</td><td class="mc"><a href="{{href}}" target="_blank" title="{{title}}">{{short}}</a></td>'
           '<td>{{index_no}}</td><td>{{publisher}}</td><td>{{date}}</td></tr>')

# The inline pager of 邯郸's TRS platform (../shared/portal-pages/trs/handan-hdzfxxgk-list.jsp): no
# createPageHTML, only page variables and document.write; index.html, index_1.html … index_{countPage-1}.html.
WCM_COUNTPAGE_LIST = """<div class="xxgk-list">
<div class="list-tit"><h3>{{name}}</h3></div>
<table width="100%" border="0" cellspacing="0" cellpadding="0" class="tb-list">
<tr><th width="6%">序号</th><th width="46%">名称</th><th width="20%">索引号</th><th width="16%">发布机构</th><th width="12%">发布日期</th></tr>
{{rows}}
</table>
<div class="page_box"><div class="page">
<script language="javascript">
var countnum= {{records}};
var currentPage={{cur}};
var prevPage=currentPage-1
var nextPage=currentPage+1
var countPage={{count}}
var endPage=countPage-1
document.write("<a href=\\"index.html\\" target=\\"_self\\" >首页</a>&nbsp;&nbsp;");
if(countPage>1&&currentPage!=0&&currentPage!=1)
    document.write("<a  href=\\"index"+"_"+prevPage+"."+"html\\" target=\\"_self\\">上一页</a>&nbsp;&nbsp;");
else if(countPage>1&&currentPage!=0&&currentPage==1)
    document.write("<a  href=\\"index.html\\" target=\\"_self\\">上一页</a>&nbsp;&nbsp;");
else
    document.write("<span class='bg'>上一页</span>&nbsp;&nbsp;");
if(countPage>1&&currentPage!=(countPage-1))
    document.write("<a href=\\"index"+"_"+nextPage+"."+"html\\" target=\\"_self\\">下一页</a>&nbsp;&nbsp;");
else
    document.write("<span class='bg'>下一页</span>&nbsp;&nbsp;");
if(countPage>1)
    document.write("<a  href=\\"index_"+endPage+".html\\" target=\\"_self\\">尾页</a>");
</script>
</div></div>
</div>
"""

HY_LIST = """<div class="list-box">
<div class="list-tit"><h3>{{name}}</h3></div>
<ul class="list-ul">
{{rows}}
</ul>
<div id="page_div" class="page"></div>
<script type="text/javascript" src="/common/js/createPageHTML.js"></script>
<script type="text/javascript">createPageHTML('page_div',{{count}},{{cur}},'index','shtml',{{records}});</script>
</div>
"""

HY_ROW = ('<li><a href="{{href}}" target="_blank" title="{{title}}">{{short}}</a>'
          '<span class="date">{{date}}</span></li>')

ARTICLE = """<div class="article">
{{info}}
<div class="article-title"><h1>{{title}}</h1></div>
<div class="article-info"><span>发布日期：{{date}}</span><span>来源：{{source}}</span><span>浏览次数：<script language="javascript" src="/wcm/count.js?docid={{docid}}"></script></span><span>【字体：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>】</span></div>
<div class="article-content" id="zoom">
<!--<$[信息内容]>begin-->
<div class="TRS_Editor"><meta name="ContentStart">
{{body}}
<meta name="ContentEnd"></div>
<!--<$[信息内容]>end-->
</div>
<div class="article-tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
"""

REFRESH_STUB = '<html><head><meta http-equiv="refresh" content="0;url=./"></head><body></body></html>\n'
