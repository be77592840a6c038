-- wrk script for the baseline: the same POST shape against the bare axum handler.
request = function()
  return wrk.format("POST", "/PB2CAPIVAN/invServ/InvServ",
    { ["Content-Type"] = "application/x-www-form-urlencoded" }, "version=0.5&action=carrierInvChk")
end
