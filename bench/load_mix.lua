-- wrk script for bench/load.sh: one traffic mix per run, chosen by the argument after "--".
--   mixed  : home, search page, issue pages, JSON API (what a helpdesk generates)
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

local mixes = {
  issues = issue_paths,
  home = { "/" },
  codes = { "/codes/" },
  code = code_paths,
  robots = { "/robots.txt" },
  mixed = {
    "/",
    -- search page: an error code, Chinese symptoms (URL-encoded), an English word
    "/search/?q=2004",
    "/search/?q=%E6%89%AB%E7%A0%81%E4%B8%8B%E8%BD%BD",          -- 扫码下载
    "/search/?q=%E8%AF%81%E4%B9%A6%20%E5%AE%89%E8%A3%85",       -- 证书 安装
    "/search/?q=timeout",
    -- JSON API
    "/api/search/?q=-1019",
    "/api/search/?q=%E7%99%BB%E5%BD%95%E8%B6%85%E6%97%B6",      -- 登录超时
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

function init(args)
  name = args[1] or "mixed"
  paths = mixes[name] or error("unknown mix: " .. name)
  -- Threads start at different places in the list.
  counter = math.random(#paths)
end

function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter], { ["Accept-Language"] = "zh-hans" })
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
