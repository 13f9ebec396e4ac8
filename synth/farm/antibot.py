"""WAF front-ends that stand before a whole site: 瑞数 (412 + JS cookie), 加速乐 (521, two cookie rounds) and
网站卫士 (302 to /WZWSREL…?wzwschallenge=…, then a JS page). All values derive from the site seed.

- rs412: every request answers 412 with a page modelled on a real RS first-hit page ($_ts.nsd/$_ts.cd,
  <meta r="m">, an external r='m' script). The cookie it wants is computed by that script, which the farm
  does not ship: without a browser the site stays blocked (as for real crawlers).
- jsl521: round 1 answers 521 with Set-Cookie __jsluid_h and a script that builds __jsl_clearance from quoted
  characters; round 2 answers 521 with go({...}) holding bts/chars/ct/ha: the cookie is bts[0]+c1+c2+bts[1]
  whose hash is ct. `solve_jsl` shows the way; with the final cookie the site answers normally.
- wzws: a request without the wzws_cid cookie gets 302 to /WZWSREL<base64 of the path>?wzwschallenge=<token>;
  that URL answers a JS page computing cookie wzwschallenge (see `solve_wzws`); requesting the same URL with
  it answers 302 back to the original path with Set-Cookie wzws_cid, after which the site answers normally.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
from urllib.parse import quote

from synth.farm.http import Req, Resp
from synth.farm.model import Site

RS_COOKIE = "FSSBBIl1UgzbN7N80"
WZWS_PREFIX = "/WZWSREL"
JSL_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
KINDS = {"rs412": "瑞数 412 JS-cookie challenge", "jsl521": "加速乐 521 cookie rounds",
         "wzws": "网站卫士 WZWSREL redirect + JS challenge"}
SOLVABLE = {"rs412": False, "jsl521": True, "wzws": True}


def _rng(site: Site, what: str) -> random.Random:
    return random.Random(f"{site.seed}|waf|{what}")


def _token(site: Site, what: str, n: int, alphabet: str = "0123456789abcdef") -> str:
    rng = _rng(site, what)
    return "".join(rng.choice(alphabet) for _ in range(n))


def gate(site: Site, req: Req) -> Resp | None:
    """The WAF's answer, or None to let the request through to the site."""
    if site.waf == "rs412":
        return _rs(site, req)
    if site.waf == "jsl521":
        return _jsl(site, req)
    if site.waf == "wzws":
        return _wzws(site, req)
    return None


# ---- 瑞数 ----

def rs_script_path(site: Site) -> str:
    alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return f"/{_token(site, 'rsdir', 12, alnum)}/{_token(site, 'rsjs', 12, alnum)}.{_token(site, 'rsv', 7)}.js"


def rs_page(site: Site) -> str:
    alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._"
    meta = _token(site, "rsmeta", 32, alnum[:62])
    cd = _token(site, "rscd", 1400, alnum)
    nsd = _rng(site, "nsd").randint(10000, 99999)
    return ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html>\n<head>\n'
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
            f'<meta content="{meta}" r="m"><!--[if lt IE 9]><script r=\'m\'>document.createElement("section")'
            "</script><![endif]--><script type=\"text/javascript\" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts={};"
            f'$_ts.nsd={nsd};$_ts.cd="{cd}";if($_ts.lcd)$_ts.lcd();</script>'
            f"<script type=\"text/javascript\" charset=\"utf-8\" src=\"{rs_script_path(site)}\" r='m'>"
            "</script></head>\n"
            "<body>\n</body>\n</html>\n<script type=\"text/javascript\" r='m'>_$aH();</script>")


def _rs(site: Site, req: Req) -> Resp | None:
    if req.path == rs_script_path(site):
        js = "var _$aH=function(){" + _token(site, "rsbody", 3000, "abcdefghij$_=+;(){}[]0123456789") + "};"
        return Resp(body=js.encode(), ctype="application/javascript", cacheable=False)
    if req.cookies.get(RS_COOKIE + "T") == rs_pass_value(site):
        return None  # only a real browser run of the RS script gets here
    cookie = f"{RS_COOKIE}S={_token(site, 'rss', 88, JSL_CHARS + '0123456789_.')}; Path=/; HttpOnly"
    return Resp(status=412, body=rs_page(site).encode("utf-8"), ctype="text/html; charset=utf-8",
                headers=[("Set-Cookie", cookie)], cacheable=False)


def rs_pass_value(site: Site) -> str:
    """What the RS script would compute; not derivable from the page (the site stays blocked)."""
    return hashlib.sha256(f"{site.seed}|rs-secret".encode()).hexdigest()


# ---- 加速乐 ----

def _jsl_values(site: Site) -> tuple[str, str, str, tuple[str, str]]:
    """(jsluid, round-1 clearance, final clearance, bts)."""
    rng = _rng(site, "jsl")
    stamp = f"{1748000000 + rng.randint(0, 999999)}.{rng.randint(100, 999)}"
    bts = (f"{stamp}|0|{_token(site, 'bts0', 24, JSL_CHARS + '0123456789')}", "%3D")
    pick = rng.choice(JSL_CHARS) + rng.choice(JSL_CHARS)
    return (_token(site, "jsluid", 32), f"{stamp}|-1|{_token(site, 'r1', 28, JSL_CHARS)}", bts[0] + pick + bts[1], bts)


def _jsl(site: Site, req: Req) -> Resp | None:
    jsluid, first, final, bts = _jsl_values(site)
    cookies = req.cookies
    if cookies.get("__jsluid_h") == jsluid and cookies.get("__jsl_clearance") == final:
        return None
    headers = [] if cookies.get("__jsluid_h") == jsluid else [
        ("Set-Cookie", f"__jsluid_h={jsluid}; max-age=31536000; path=/; HttpOnly")]
    if cookies.get("__jsluid_h") == jsluid and cookies.get("__jsl_clearance") == first:
        config = {"bts": list(bts), "chars": JSL_CHARS, "ct": hashlib.sha1(final.encode()).hexdigest(), "ha": "sha1",
                  "is": True, "tn": "__jsl_clearance", "vt": "3600", "wt": "1500"}
        body = (f"<script>var _0x{_token(site, 'v', 4)}=[];function go(_0x1){{/* … */}};"
                f"go({json.dumps(config, separators=(',', ':'))})</script>")
    else:
        cookie = f"__jsl_clearance={first};max-age=3600;path=/"
        expr = "+".join(f"('{c}')" for c in cookie)
        body = f"<script>document.cookie={expr};location.href=location.pathname+location.search</script>"
    return Resp(status=521, body=body.encode("utf-8"), ctype="text/html", headers=headers, cacheable=False)


def solve_jsl(body: str) -> tuple[str, str]:
    """Reference solver for both 加速乐 rounds: (cookie name, value) to send next."""
    if "go(" in body:
        config = json.loads(re.search(r"go\((\{.*?\})\)", body).group(1))  # type: ignore[union-attr]
        algo = getattr(hashlib, config["ha"])
        for c1 in config["chars"]:
            for c2 in config["chars"]:
                value = config["bts"][0] + c1 + c2 + config["bts"][1]
                if algo(value.encode()).hexdigest() == config["ct"]:
                    return config["tn"], value
        raise ValueError("no clearance matches ct")
    expr = re.search(r"document\.cookie=(.*?);location", body).group(1)  # type: ignore[union-attr]
    cookie = "".join(re.findall(r"\('(.*?)'\)", expr))
    name, _, rest = cookie.partition("=")
    return name, rest.split(";", 1)[0]


# ---- 网站卫士 ----

def _wzws_values(site: Site) -> tuple[str, str, int, str]:
    """(challenge token, challengex, template, final wzws_cid)."""
    rng = _rng(site, "wzws")
    token = base64.b64encode(f"WZWS_CONFIRM_PREFIX_LABEL{rng.randint(1000000, 9999999)}".encode()).decode()
    return token, _token(site, "wzwsx", 16, JSL_CHARS), rng.randint(3, 9), _token(site, "cid", 96)


def wzws_answer(challenge: str, challengex: str, template: int) -> str:
    """The cookie value the challenge page's script computes (and `solve_wzws` recomputes)."""
    total = sum(ord(c) for c in challenge + challengex) * template + 111111
    return base64.b64encode(f"WZWS_CONFIRM_PREFIX_LABEL{total}".encode()).decode()


def wzws_page(dynamic_url: str, challenge: str, challengex: str, template: int) -> str:
    return ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>'
            '<noscript>请开启JavaScript并刷新该页.</noscript><script type="text/javascript">\n'
            f'var dynamicurl="{dynamic_url}";var wzwschallenge="{challenge}";var wzwschallengex="{challengex}";'
            f'var template={template};'
            'var encoderchars="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";\n'
            "function KTKY2RBD9NHPBCIHV9ZMEQQDARSLVFDU(str){return btoa(str);}\n"
            "function QWERTASDFGXYSF(){var tmp=wzwschallenge+wzwschallengex;var hash=0;var i=0;"
            "for(i=0;i<tmp.length;i++){hash+=tmp.charCodeAt(i);}hash*=template;hash+=111111;"
            'return "WZWS_CONFIRM_PREFIX_LABEL"+hash;}\n'
            "function HXXTTKKLLPPP5(){var cookieString=\"\";var confirm=QWERTASDFGXYSF();"
            'cookieString="wzwschallenge="+KTKY2RBD9NHPBCIHV9ZMEQQDARSLVFDU(confirm.toString());'
            "document.cookie=cookieString;location.href=dynamicurl;}\nHXXTTKKLLPPP5();\n</script></body></html>")


def solve_wzws(body: str) -> tuple[str, str]:
    """Reference solver: (cookie name, value) the challenge page sets before reloading dynamicurl."""
    def var(name: str) -> str:
        return re.search(rf'var {name}="?([^";]*)"?;', body).group(1)  # type: ignore[union-attr]
    return "wzwschallenge", wzws_answer(var("wzwschallenge"), var("wzwschallengex"), int(var("template")))


def _wzws(site: Site, req: Req) -> Resp | None:
    token, x, template, cid = _wzws_values(site)
    if req.cookies.get("wzws_cid") == cid:
        return None
    if req.path.startswith(WZWS_PREFIX):
        encoded = req.path[len(WZWS_PREFIX):]
        try:
            original = base64.b64decode(encoded.encode()).decode()
        except ValueError:
            original = "/"
        if req.cookies.get("wzwschallenge") == wzws_answer(token, x, template):
            cookie = f"wzws_cid={cid}; path=/; HttpOnly"
            return Resp(status=302, headers=[("Location", original), ("Set-Cookie", cookie)], body=b"", cacheable=False)
        page = wzws_page(req.path + f"?wzwschallenge={quote(token)}", token, x, template)
        return Resp(body=page.encode("utf-8"), ctype="text/html", cacheable=False)
    target = req.path + (f"?{req.raw_query}" if req.raw_query else "")
    location = f"{WZWS_PREFIX}{base64.b64encode(target.encode()).decode()}?wzwschallenge={quote(token)}"
    return Resp(status=302, headers=[("Location", location)], body=b"", cacheable=False)


def pass_cookies(site: Site) -> dict[str, str]:
    """Cookies a real browser ends up with after passing the site's WAF (for benchmarks that want the
    content behind it). Empty for sites without a WAF."""
    if site.waf == "jsl521":
        jsluid, _, final, _ = _jsl_values(site)
        return {"__jsluid_h": jsluid, "__jsl_clearance": final}
    if site.waf == "wzws":
        return {"wzws_cid": _wzws_values(site)[3]}
    if site.waf == "rs412":
        return {RS_COOKIE + "T": rs_pass_value(site)}
    return {}
