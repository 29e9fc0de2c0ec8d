-- wrk script: every request POSTs the 5.8 KB SOAP 1.1 message of the XML tests.
local f = assert(io.open(os.getenv("SOAP_BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "text/xml; charset=utf-8"
