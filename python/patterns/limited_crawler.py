"""A crawler, asyncio.Semaphore limits.  Run: python3 python/patterns/limited_crawler.py"""
import asyncio
import collections
import re
from urllib.parse import urljoin, urlsplit

from embedded_site import Gauge, Site, get


# @start region="crawler"
async def crawl(root, depth, in_all, per_host):
    """The pages reachable from root in at most depth links, level by level."""
    everywhere = asyncio.Semaphore(in_all)
    hosts = collections.defaultdict(lambda: asyncio.Semaphore(per_host))
    seen = {root}
    levels, level = [], [root]
    # Level by level, so that a page's depth is its shortest distance, whatever the order in
    # which the answers come.
    for _ in range(depth + 1):
        if not level:
            break
        levels.append(level)
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(new_links(url, hosts[urlsplit(url).netloc], everywhere,
                                              seen)) for url in level]
        level = [link for task in tasks for link in task.result()]
    return levels, level


async def new_links(url, host, everywhere, seen):
    """Fetches url within both limits and returns the links on it not seen before."""
    async with host, everywhere:       # the host's first: a task waiting for it holds no other
        status, body = await get(url)
    found = [urljoin(url, href) for href in re.findall(r'href="([^"]*)"', body)]
    new = [link for link in dict.fromkeys(found) if link not in seen]
    seen.update(new)                   # no await since the check: nothing ran in between
    return new
# @end


def links(*targets):
    return " ".join(f'<a href="{t}">' for t in targets) + "\n"


def names(sites, pages):
    by_port = {site.port: site.name for site in sites}
    return ", ".join(sorted(by_port[urlsplit(p).port] + urlsplit(p).path for p in pages))


async def main():
    in_all = Gauge()
    sites = [await Site.start(name, 0.02, in_all) for name in "abc"]
    a, b, c = sites
    a.page("/", links("/about", b.url(), c.url())).page("/about", links("/", b.url()))
    b.page("/", links("/blog", "/jobs", "/shop", a.url(), c.url("/docs")))
    b.page("/blog", links("/", c.url("/deep"))).page("/jobs", links("/blog"))
    b.page("/shop", links("/jobs"))
    c.page("/", links("/docs", "/news", a.url("/about"))).page("/docs", links("/deep", a.url()))
    c.page("/news", links(a.url("/about"))).page("/deep", links("/"))
    print("crawl from a/ to depth 2: at most 3 requests at once, 2 per host")
    # @start region="crawl"
    levels, too_deep = await crawl(a.url(), 2, 3, 2)
    # @end
    for depth, level in enumerate(levels):
        print(f"depth {depth}: {names(sites, level)}")
    print("not fetched, one level too deep:", names(sites, too_deep))
    fetched = [page for level in levels for page in level]
    by_port = {site.port: site for site in sites}
    once = (sum(site.requests() for site in sites) == len(fetched)
            and all(by_port[urlsplit(p).port].requests(urlsplit(p).path) == 1 for p in fetched))
    print("every page requested once, by the sites' counts:", once)
    print("never more than 2 at once on a site:", all(s.gauge.most <= 2 for s in sites))
    print("never more than 3 at once in all:", in_all.most <= 3)
    for site in sites:
        await site.close()


asyncio.run(main())
