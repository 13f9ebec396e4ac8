# ruff: noqa: E501
"""Generic old-CMS markup: nested layout tables, list table, pager, article.

Templates are data: {{name}} placeholders are filled by synth.farm.chrome.fill."""

PAGE = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
{{charset}}
{{metas}}
<title>{{title}}</title>
<link href="/templets/default/css/style.css" rel="stylesheet" type="text/css" />
<script language="javascript" type="text/javascript" src="/templets/default/js/jquery.js"></script>
</head>
<body>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0"><tr><td>
{{header}}
</td></tr>
<tr><td>
<table width="100%" border="0" cellspacing="0" cellpadding="0"><tr>
<td width="230" valign="top" class="left"><table width="100%" border="0" cellspacing="0" cellpadding="0">
<tr><td class="left-tit">信息公开导航</td></tr>
<tr><td class="left-nav">{{side}}</td></tr>
</table></td>
<td valign="top" class="right">
<table width="100%" border="0" cellspacing="0" cellpadding="0">
<tr><td class="position">{{crumbs}}</td></tr>
<tr><td class="content">
{{main}}
</td></tr></table>
</td></tr></table>
</td></tr>
<tr><td>
{{footer}}
</td></tr></table>
</body>
</html>
"""

LIST = """<table width="100%" border="0" cellspacing="0" cellpadding="0" class="list-table">
<tr><td colspan="2" class="list-tit">{{name}}</td></tr>
{{rows}}
</table>
<div class="pagination">{{pager}}</div>
"""

ROW = ('<tr><td class="list-title" height="28">·<a href="{{href}}" target="_blank" title="{{title}}">{{title}}</a>'
       '</td><td class="list-date" width="100">[{{date}}]</td></tr>')

ARTICLE = """<table width="100%" border="0" cellspacing="0" cellpadding="0" class="article">
<tr><td>{{info}}</td></tr>
<tr><td class="article-title" align="center"><h2>{{title}}</h2></td></tr>
<tr><td class="article-info" align="center">发布时间：{{date}}　　信息来源：{{source}}　　【<a href="javascript:void(0)" onclick="window.print()">打印</a>】</td></tr>
<tr><td class="article-content"><div id="zoom">
{{body}}
</div></td></tr>
</table>
"""
