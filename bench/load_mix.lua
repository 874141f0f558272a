-- wrk script for bench/load.sh: one traffic mix per run, chosen by the argument after "--";
-- the second argument is a file of URL-encoded search queries (bench/load_queries.py: the
-- search benchmark's distinct queries), sent in turn, so no one query is repeated back to back.
--   mixed  : home, search page, issue pages, JSON API (what a helpdesk generates)
--   search : the search page, one query of the file after another
--   api    : the search API, likewise
--   issues : issue pages only
--   home   : the home page only
--   codes  : the error-code index only
--   code   : error-code pages only
--   robots : /robots.txt only (the baseline: the cheapest page the same stack serves)

local issue_slugs = {
  "qr-code-download-address-missing-ip-port", "ios-safari-client-download-fails",
  "network-test-error-code-0", "ios-mdm-push-location-device-control-not-working",
  "im-server-connecting", "client-splash-screen-setup", "login-error-2004-no-access-permission",
  "ios-mdm-certificate-install-fails", "ios-untrusted-enterprise-developer",
  "client-login-connection-timeout", "device-bound-to-previous-account",
  "sdk-login-network-troubleshooting",
}

local issue_paths = {}
for _, slug in ipairs(issue_slugs) do
  table.insert(issue_paths, "/issues/" .. slug .. "/")
end

-- Shipped codes of both products, network-related and not.
local code_paths = {
  "/codes/meeting-sdk/-1019/", "/codes/meeting-sdk/-1002/", "/codes/meeting-sdk/-1005/",
  "/codes/mobile-platform/2004/", "/codes/mobile-platform/0/",
}

-- Stand-ins for "the next query of the file" on the search page and the search API.
local SEARCH, API = {}, {}

local mixes = {
  search = { SEARCH },
  api = { API },
  issues = issue_paths,
  home = { "/" },
  codes = { "/codes/" },
  code = code_paths,
  robots = { "/robots.txt" },
  mixed = {
    "/",
    -- four searches on the page and two through the API in every 21 requests
    SEARCH, SEARCH, SEARCH, SEARCH,
    API, API,
    "/api/issues/login-error-2004-no-access-permission/",
    "/api/issues/sdk-login-network-troubleshooting/",
  },
}
-- The mix carries the issue pages too, so they weigh about half of it.
for _, path in ipairs(issue_paths) do
  table.insert(mixes.mixed, path)
end

local name = "mixed"
local paths = mixes.mixed
local counter = 0
local queries = {}
local query_counter = 0

function init(args)
  name = args[1] or "mixed"
  paths = mixes[name] or error("unknown mix: " .. name)
  if args[2] then
    for line in io.lines(args[2]) do
      if line ~= "" then table.insert(queries, line) end
    end
  end
  if #queries == 0 then
    queries = { "2004" }  -- no file given: one repeated query, as before
  end
  -- Threads start at different places in the lists.
  counter = math.random(#paths)
  query_counter = math.random(#queries)
end

local function next_query()
  query_counter = query_counter % #queries + 1
  return queries[query_counter]
end

function request()
  counter = counter % #paths + 1
  local path = paths[counter]
  if path == SEARCH then
    path = "/search/?q=" .. next_query()
  elseif path == API then
    path = "/api/search/?q=" .. next_query()
  end
  return wrk.format("GET", path, { ["Accept-Language"] = "zh-hans" })
end

-- done() runs in wrk's main Lua state, where init() never ran: load.sh puts the
-- mix name in front of this line itself.
function done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  io.write(string.format(
    "RESULT %s %.1f %.2f %.2f %d %d\n",
    name,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    errors,
    summary.requests
  ))
end
