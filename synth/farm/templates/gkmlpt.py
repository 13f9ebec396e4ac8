# ruff: noqa: E501
"""gkmlpt markup: the JS app shell with window._CONFIG, and the server-rendered detail page.

Templates are data: {{name}} placeholders are filled by synth.farm.chrome.fill."""

APP = """<div id="app" class="gkmlpt">
<div class="gkmlpt-left"><div class="tree-title">政府信息公开目录</div><div id="tree"></div></div>
<div class="gkmlpt-right"><div id="list"></div></div>
</div>
<noscript>您的浏览器不支持JavaScript，请开启后访问本页面。</noscript>
<script type="text/javascript">window._CONFIG = {{config}};</script>
<script type="text/javascript" src="/gkmlpt/static/js/chunk-vendors.js"></script>
<script type="text/javascript" src="/gkmlpt/static/js/app.js"></script>
"""

ARTICLE = """<div class="content-box">
<div class="introduce">
<table class="table-introduce" width="100%">
<tr><td class="td-label">索引号：</td><td class="td-value">{{index_no}}</td><td class="td-label">分类：</td><td class="td-value">政务公开</td></tr>
<tr><td class="td-label">发布机构：</td><td class="td-value">{{publisher}}</td><td class="td-label">成文日期：</td><td class="td-value">{{date}}</td></tr>
<tr><td class="td-label">名称：</td><td class="td-value" colspan="3">{{title}}</td></tr>
<tr><td class="td-label">文号：</td><td class="td-value"></td><td class="td-label">发布日期：</td><td class="td-value">{{date}}</td></tr>
</table>
</div>
<div class="article-title"><h1>{{title}}</h1></div>
<div class="article-content">{{body}}</div>
</div>
<script type="text/javascript">window._CONFIG = {{config}};</script>
"""
