-- GET a random resident by NIK from niks.txt (one per line).
local niks = {}
for line in io.lines(os.getenv("NIKS_FILE")) do niks[#niks + 1] = line end
math.randomseed(os.time())
request = function()
  local nik = niks[math.random(#niks)]
  return wrk.format("GET", "/api/v1/residents/" .. nik, {["Authorization"] = "Bearer " .. os.getenv("SKK_KEY")})
end
