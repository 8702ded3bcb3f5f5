-- POST a letter for the next eligible resident; each thread walks its own slice of the list.
local niks = {}
for line in io.lines(os.getenv("NIKS_FILE")) do niks[#niks + 1] = line end
local counter = 0
local threads = 0
setup = function(thread) thread:set("offset", threads); threads = threads + 1 end
request = function()
  counter = counter + 1
  local nik = niks[(offset * 10007 + counter) % #niks + 1]
  return wrk.format("POST", "/api/v1/residents/" .. nik .. "/letters",
    {["Authorization"] = "Bearer " .. os.getenv("SKK_KEY"), ["Content-Type"] = "application/json"},
    '{"purpose": "Pembukaan rekening bank"}')
end
