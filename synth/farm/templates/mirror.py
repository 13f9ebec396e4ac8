"""The non-government 范文 mirror's page.

Templates are data: {{name}} placeholders are filled by synth.farm.chrome.fill."""

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title>
<meta name="keywords" content="范文,工作报告,年度报告"></head>
<body><div class="top"><a href="/">好范文网</a> - 海量范文免费下载</div>
<div class="ad"><script src="http://cpro.baidustatic.com/cpro/ui/c.js"></script></div>
<div class="main">{main}</div>
<div class="foot">本站文章均来自网络，如有侵权请联系删除。</div></body></html>
"""
