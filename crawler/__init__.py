"""nianbao's Scrapy project (spiders per portal family, pipelines into the archive, middlewares).

Scrapy's cookie middleware builds a tldextract splitter at import time, and tldextract fetches the public
suffix list from GitHub on first use. A crawler must send no request its operator did not ask for, so the
bundled snapshot is used instead (an empty URL list disables the fetch).
"""

import os

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
