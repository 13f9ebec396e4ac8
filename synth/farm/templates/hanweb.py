# ruff: noqa: E501
"""Hanweb JCMS markup: jpage datastore column page, CDATA record, article (modelled on fgw.zj.gov.cn).

Templates are data: {{name}} placeholders are filled by synth.farm.chrome.fill."""

RECORD = ('<record><![CDATA[\n<li class="clearfix">    <a target="_blank" href="{{href}}" title="{{title}}">{{short}}</a>'
          '    <b>{{date}}</b></li>]]></record>')

COLUMN_LIST = """<div class="lm-tit"><h3>{{name}}</h3></div>
<div class="lm-list" id="{{unitid}}"><script type="text/xml"><datastore>
<nextgroup><![CDATA[{{nextgroup}}]]></nextgroup>
<recordset>
{{records}}
</recordset>
</datastore></script></div>
<script language="javascript" src="/module/web/jpage/jpage.js"></script>
<script language="javascript">
$(document).ready(function(){
    $('#{{unitid}}').jpage({
        proxyUrl: '{{dataproxy}}', perPage: {{perpage}}, totalRecord: {{total}}, groupSize: 1, barPosition: 'bottom',
        ajaxParam: {col: 1, appid: 1, webid: {{webid}}, path: '/', columnid: {{columnid}}, sourceContentType: 1,
                    unitid: {{unitid}}, webname: '{{webname}}', permissiontype: 0},
        showMode: 'full', allowChangePerPage: false, themeName: 'default'
    });
});
</script>
"""

ARTICLE = """<div id="hiddenLocation" style="display:none;"><span id="ss_webid">{{webid}}</span><span id="col1_name">{{column}}</span><span id="col1_url">{{column_url}}</span></div>
<div class="con">
<p class="con-title"><!--<$[标题]>begin-->{{title}}<!--<$[标题]>end--></p>
<div style="height:3px; background-color:#dbdbdb;"></div>
{{info}}
<div class="small-title clearfix"><span>发布日期：{{date}}</span><span>浏览次数：<script language="javascript" src="/module/visitcount/articlehits.jsp?colid={{columnid}}&artid={{docid}}"></script></span><span>信息来源：<!--<$[信息来源]>begin-->{{source}}<!--<$[信息来源]>end--></span></div>
<div class="main-txt" id="zoom">
<!--<$[信息内容]>begin--><!--ZJEG_RSS.content.begin--><meta name="ContentStart">{{body}}<meta name="ContentEnd"><!--ZJEG_RSS.content.end--><!--<$[信息内容]>end-->
</div>
<div class="main-word"><span class="printer" onclick="javascript:window.print()">打印</span><span class="close" onclick="javascript:window.close()">关闭</span></div>
</div>
"""
