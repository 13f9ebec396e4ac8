# ruff: noqa: E501
"""Markup shared by all families: page skeleton, header, footer, home, platform, hub and stub pages.

Templates are data: {{name}} placeholders are filled by synth.farm.chrome.fill."""

DEFAULT_PAGE = """<!DOCTYPE html>
<html>
<head>
{{charset}}
<meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
{{metas}}
<title>{{title}}</title>
<link rel="stylesheet" type="text/css" href="/css/base.css">
<link rel="stylesheet" type="text/css" href="/css/index.css">
<script type="text/javascript" src="/js/jquery-1.9.1.min.js"></script>
</head>
<body>
{{header}}
<div class="main w1200">
{{crumbs}}
{{main}}
</div>
{{footer}}
</body>
</html>
"""

DEFAULT_HEADER = """<div class="top-bar"><div class="w1200">
<span class="fl">您好，欢迎访问{{site_name}}！</span>
<span class="fr"><a href="http://www.gov.cn/" target="_blank">中国政府网</a> | <a href="javascript:void(0);" onclick="aria.start()">无障碍浏览</a> | <a href="javascript:void(0);" id="oldman">长者模式</a> | <a href="/wap/">移动版</a></span>
</div></div>
<div class="header"><div class="w1200">
<div class="logo"><a href="{{home}}"><img src="/images/logo.png" alt="{{site_name}}"></a></div>
<div class="search"><form action="{{search_action}}" method="get" target="_blank" name="searchform">
<input type="text" name="searchword" class="search-text" placeholder="请输入关键词">
<input type="submit" class="search-btn" value="搜索"></form></div>
</div></div>
<div class="nav"><ul class="w1200">{{nav}}</ul></div>
"""

DEFAULT_FOOTER = """<div class="footer">
<div class="link-bar w1200"><span>相关链接：</span>
<select onchange="if(this.value!='')window.open(this.value)"><option value="">国家部委网站</option><option value="http://www.gov.cn/">中国政府网</option><option value="http://www.ndrc.gov.cn/">国家发展和改革委员会</option><option value="http://www.moe.gov.cn/">教育部</option><option value="http://www.mof.gov.cn/">财政部</option><option value="http://www.mca.gov.cn/">民政部</option><option value="http://www.mohrss.gov.cn/">人力资源和社会保障部</option><option value="http://www.mnr.gov.cn/">自然资源部</option><option value="http://www.nhc.gov.cn/">国家卫生健康委员会</option><option value="http://www.samr.gov.cn/">国家市场监督管理总局</option><option value="http://www.mps.gov.cn/">公安部</option><option value="http://www.moj.gov.cn/">司法部</option><option value="http://www.mohurd.gov.cn/">住房和城乡建设部</option><option value="http://www.mot.gov.cn/">交通运输部</option><option value="http://www.mwr.gov.cn/">水利部</option><option value="http://www.moa.gov.cn/">农业农村部</option><option value="http://www.mofcom.gov.cn/">商务部</option><option value="http://www.mct.gov.cn/">文化和旅游部</option><option value="http://www.mva.gov.cn/">退役军人事务部</option><option value="http://www.mem.gov.cn/">应急管理部</option><option value="http://www.audit.gov.cn/">审计署</option><option value="http://www.stats.gov.cn/">国家统计局</option><option value="http://www.nhsa.gov.cn/">国家医疗保障局</option><option value="http://www.forestry.gov.cn/">国家林业和草原局</option></select>
<select onchange="if(this.value!='')window.open(this.value)"><option value="">省内政府网站</option><option value="http://www.gov.cn/">{{province}}人民政府</option><option value="http://www.gov.cn/">{{prefecture}}人民政府</option></select>
{{dept_links}}
</div>
<div class="dhlm w1200 clearfix">
<ul><li class="first"><a href="{{news}}">走进{{county}}</a></li><li><a href="{{news}}">历史沿革</a></li><li><a href="{{news}}">行政区划</a></li><li><a href="{{news}}">自然地理</a></li><li><a href="{{news}}">人口民族</a></li><li><a href="{{news}}">经济发展</a></li></ul>
<ul><li class="first"><a href="{{news}}">新闻动态</a></li><li><a href="{{news}}">政务要闻</a></li><li><a href="{{news}}">部门动态</a></li><li><a href="{{news}}">乡镇动态</a></li><li><a href="{{news}}">通知公告</a></li><li><a href="{{news}}">媒体聚焦</a></li></ul>
<ul><li class="first"><a href="{{platform}}">政务公开</a></li><li><a href="{{platform}}">政府信息公开</a></li><li><a href="{{news}}">政策文件</a></li><li><a href="{{news}}">政策解读</a></li><li><a href="{{news}}">财政预决算</a></li><li><a href="{{news}}">政府网站年度工作报表</a></li></ul>
<ul><li class="first"><a href="{{news}}">互动交流</a></li><li><a href="{{news}}">县长信箱</a></li><li><a href="{{news}}">在线访谈</a></li><li><a href="{{news}}">意见征集</a></li><li><a href="{{news}}">常见问题</a></li><li><a href="http://www.gjzwfw.gov.cn/">12345热线</a></li></ul>
</div>
<div class="copyright w1200">
<p><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a> | <a href="/wzsm/">网站声明</a> | <a href="/sybz/">使用帮助</a></p>
<p>主办单位：{{site_name}}办公室　承办单位：{{county}}融媒体中心　版权所有：{{site_name}}</p>
<p>网站标识码：{{sitecode}}　<a href="https://beian.miit.gov.cn/" target="_blank">{{icp}}</a>　<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=" target="_blank"><img src="/images/ga.png">{{police}}</a></p>
<p>地址：{{county}}人民路1号　联系电话：0000-1234567　建议使用1366×768分辨率、IE9以上浏览器</p>
<div class="bsz"><script type="text/javascript">document.write(unescape("%3Cspan id='_ideConac' %3E%3C/span%3E%3Cscript src='http://dcs.conac.cn/js/33/000/0000/{{conac}}.js' type='text/javascript'%3E%3C/script%3E"));</script>
<script id="_jiucuo_" sitecode="{{sitecode}}" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script></div>
</div>
</div>
<script type="text/javascript" src="/js/common.js"></script>
"""

HOME_MAIN = """<div class="home-top clearfix">
<div class="focus fl"><img src="/images/banner.jpg" alt="{{site_name}}"></div>
<div class="news fr"><div class="tit"><a href="{{news}}" class="more">更多&gt;&gt;</a><h3>政务要闻</h3></div>
<ul class="list">{{news_items}}</ul></div>
</div>
<div class="home-zwgk clearfix">
<div class="tit"><h3>政务公开</h3></div>
<ul class="zwgk-links">{{platform_links}}</ul>
</div>
<div class="home-quick clearfix"><ul>{{quick_links}}</ul></div>
"""

PLATFORM_MAIN = """<div class="xxgk-left fl">
<div class="xxgk-tit"><h2>政府信息公开</h2></div>
<ul class="xxgk-nav">{{side}}</ul>
</div>
<div class="xxgk-right fr">
<div class="xxgk-intro"><p>根据《中华人民共和国政府信息公开条例》，{{site_name}}编制政府信息公开指南、政府信息公开制度、法定主动公开内容和政府信息公开年报，供公民、法人和其他组织查阅。</p></div>
<ul class="xxgk-list">{{recent}}</ul>
</div>
"""

HUB_MAIN = """<div class="col-left fl"><div class="col-tit"><h2>{{root_name}}</h2></div><ul class="col-nav">{{side}}</ul></div>
<div class="col-right fr"><div class="col-tit"><h3>{{name}}</h3></div>
<ul class="sub-columns">{{children}}</ul>
</div>
"""

STUB_MAIN = """<div class="col-right"><div class="col-tit"><h3>{{name}}</h3></div>
<div class="stub-content">{{text}}</div></div>
"""

GUIDE_TEXT = ("<p>为了更好地为公民、法人和其他组织依法获取政府信息提供服务，根据《中华人民共和国政府信息公开条例》，"
              "编制本指南。</p><p>一、主动公开　（一）公开范围……（二）公开形式……</p>"
              "<p>二、依申请公开　（一）受理机构……（二）申请方式……</p><p>三、监督和救济……</p>")
