-- wrk script: signed-as-a-MOF-client carrierInvChk calls for random benchmark Users.
-- BARCODES: a file of mobile barcodes (bench_users writes it); MONTH: yyyy/MM to query.
local barcodes = {}
local month = os.getenv("MONTH") or "2026/10"

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

init = function(args)
  for line in io.lines(os.getenv("BARCODES")) do
    if #line > 0 then barcodes[#barcodes + 1] = urlencode(line) end
  end
  math.randomseed(os.time() + (args[1] and tonumber(args[1]) or 0))
end

request = function()
  local body = "version=0.5&action=carrierInvChk&cardType=3J0002&cardNo=" .. barcodes[math.random(#barcodes)]
    .. "&cardEncrypt=Bench123&timeStamp=" .. (os.time() + 20)
    .. "&expTimeStamp=2147483647&startDate=" .. month .. "/01&endDate=" .. month .. "/28"
    .. "&onlyWinningInv=N&uuid=bench-device&appID=EINVBENCH00001"
  return wrk.format("POST", "/PB2CAPIVAN/invServ/InvServ",
    { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end
