# ruff: noqa: E501
"""博达 VSB markup: list with line_u ids, pb_sys pager, _newscontent_fromname article, download error page.

Templates are data: {{name}} placeholders are filled by synth.farm.chrome.fill."""

LIST = """<div class="list-tit"><h3>{{name}}</h3></div>
<div class="list">
<ul>
{{rows}}
</ul>
</div>
<div class="pb_sys_common pb_sys_normal pb_sys_style1" style="margin-top:10px;text-align:center;">{{pager}}</div>
"""

ROW = ('<li id="line_u8_{{i}}"><a href="{{href}}" target="_blank" title="{{title}}">{{title}}</a>'
       '<span>{{date}}</span></li>')

ARTICLE = """<form name="_newscontent_fromname">
<div class="content-title"><h3>{{title}}</h3></div>
<div class="content-info">发布时间：{{date}}&nbsp;&nbsp;作者：&nbsp;&nbsp;来源：{{source}}&nbsp;&nbsp;点击数：<script>_showDynClicks("wbnews", {{owner}}, {{docid}})</script></div>
{{info}}
<div id="vsb_content"><div class="v_news_content">
{{body}}
</div></div>
{{attachments}}
</form>
"""

ATTACHMENT = ('<li>附件【<a href="{{href}}" target="_blank">{{name}}</a>】已下载<span id="nattach{{fid}}">'
              '<script language="javascript">getClickTimes({{fid}},{{docid}},"wbnewsfile","attach")</script></span>次</li>')

NO_REFERER = ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\"></head><body>"
              "<script language=\"javascript\">alert('下载失败：请从正确的页面进入下载！');history.back();</script>"
              "</body></html>")
