-- GET a fixed path with the API key.
request = function()
  return wrk.format("GET", os.getenv("LOAD_PATH"), {["Authorization"] = "Bearer " .. os.getenv("SKK_KEY")})
end
