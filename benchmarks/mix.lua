-- Visitors for the soak run (benchmarks/soak.py): a mix of pages, cache hits and misses.
-- Every path answers 200; the run counts the answers of 500 and above, per thread.

local hits = {
  "/en/", "/zh/", "/en/news/", "/zh/news/", "/en/news/?page=2", "/en/news/tag/kernel/",
  "/zh/news/tag/security/", "/en/news/category/blog/", "/en/news/rss/", "/en/search/?q=kernel",
}
local words = { "kernel", "security", "release", "community", "storage", "network", "compiler", "driver" }
local articles = {}
local threads = {}
local last_page = 2

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  server_errors = 0
  for path in string.gmatch(args[1] or "", "[^,]+") do
    table.insert(articles, path)
  end
  last_page = tonumber(args[2]) or last_page
  math.randomseed(os.time() + (tonumber(args[3]) or 0))
end

function request()
  local roll = math.random(100)
  local path
  if roll <= 50 then
    path = hits[math.random(#hits)]
  elseif roll <= 80 and #articles > 0 then
    path = articles[math.random(#articles)]
  elseif roll <= 90 then
    -- list pages far down: mostly misses
    path = "/en/news/?page=" .. math.random(2, last_page)
  else
    -- searches with a random page: misses
    path = "/en/search/?q=" .. words[math.random(#words)] .. "&page=" .. math.random(1, 2)
  end
  return wrk.format("GET", path, { ["Accept-Encoding"] = "gzip" })
end

function response(status, headers, body)
  if status >= 500 then
    server_errors = server_errors + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("server_errors")
  end
  io.write(string.format("server_errors %d\n", total))
end
