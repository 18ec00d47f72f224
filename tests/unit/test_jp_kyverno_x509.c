/* Unit tests: x509_decode (Kyverno's Test_x509Decode certificates). */
#include "jmespath_util.h"

/* A self-signed CA, and upstream's expected decoding of it. */
static const char cert1[] =
	"{\"pem\": \"-----BEGIN CERTIFICATE-----\\nMIIC7TCCAdWgAwIBAgIBADANBgkqhkiG9w0BAQsFADAYMRYwFAYD"
	"VQQDDA0qLmt5\\ndmVybm8uc3ZjMB4XDTIyMDExMTEzMjY0M1oXDTIzMDExMTE0MjY0M1owGDEWMBQG\\nA1UEAwwNKi"
	"5reXZlcm5vLnN2YzCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoC\\nggEBAMsAz85+yino+MmdKsVtHwNi3oAVju"
	"mzXHiLfUJK7xi5KU8B7goPHF/VCe/V\\n7Y2c4afyfgY2ePw4LxSDkCYNgYwqjSwGIbcsqv5ZRazBdDxR09ri6PknNy"
	"BVGLi5\\nRlPXIrGQ3psNuf55qwxJxLO31qCZuvktKY5YvuIR4JPmBhuSFXOnn0ZiQw8uxMcQ\\n0QA2lz+PxWCVNk9q"
	"+31H5DH1oYZDLfU3mijIOA+AJGZbBb+ZwBmpVL0+2TXLxE74\\nWowdKEV+WTsKojNTd0VwcuRKRKR/6ynXAAis21y1"
	"X7Ui9FJE6mDIylUD40WXOKGJ\\n1lYY41kRnYhVhvXYN9JtNYdY3HsCAwEAAaNCMEAwDgYDVR0PAQH/BAQDAgKkMA8G"
	"\\nA1UdEwEB/wQFMAMBAf8wHQYDVR0OBBYEFOnlASVD9fu3TAjptlW/gAXA4ql+MA0G\\nCSqGSIb3DQEBCwUAA4IBAQ"
	"CIpyRiChxp97crKfQ24Jt7z8P+AGpLf3sX4eL87ESa\\n7QRoVJtXLmaut1pUEoYLQruKmh/0YFtZG9WxVgY6iuKbWn"
	"u7bOeMB/Ir+V/yrX3R\\n+XvZOsuXiJnEbJiBW6lJzLldoW4f/71H+j1WD4tHpqmdMxq/sLqXfPIuc0/m0yFC\\nn+AD"
	"BWGGB8Nn66vxtv+cT6p+RIVotXPQWbMilWp6pd5wSuB68FqrDwtYLNJtPwFs\\n9MPVkuaJdYZ0eWd/rMcKD94Hgf89"
	"gvA0+qzMVFf+3BemXskjQRYy6CKsqoyC6jX4\\nnhYjumAP/7psbzITsnpHtfCEEU+2JZwgM406aiMcsgLb\\n-----E"
	"ND CERTIFICATE-----\\n\"}";
static const char want1[] =
	"{\"Raw\":\"MIIC7TCCAdWgAwIBAgIBADANBgkqhkiG9w0BAQsFADAYMRYwFAYDVQQDDA0qLmt5dmVybm8uc3ZjMB4XDT"
	"IyMDExMTEzMjY0M1oXDTIzMDExMTE0MjY0M1owGDEWMBQGA1UEAwwNKi5reXZlcm5vLnN2YzCCASIwDQYJKoZIhvcN"
	"AQEBBQADggEPADCCAQoCggEBAMsAz85+yino+MmdKsVtHwNi3oAVjumzXHiLfUJK7xi5KU8B7goPHF/VCe/V7Y2c4a"
	"fyfgY2ePw4LxSDkCYNgYwqjSwGIbcsqv5ZRazBdDxR09ri6PknNyBVGLi5RlPXIrGQ3psNuf55qwxJxLO31qCZuvkt"
	"KY5YvuIR4JPmBhuSFXOnn0ZiQw8uxMcQ0QA2lz+PxWCVNk9q+31H5DH1oYZDLfU3mijIOA+AJGZbBb+ZwBmpVL0+2T"
	"XLxE74WowdKEV+WTsKojNTd0VwcuRKRKR/6ynXAAis21y1X7Ui9FJE6mDIylUD40WXOKGJ1lYY41kRnYhVhvXYN9Jt"
	"NYdY3HsCAwEAAaNCMEAwDgYDVR0PAQH/BAQDAgKkMA8GA1UdEwEB/wQFMAMBAf8wHQYDVR0OBBYEFOnlASVD9fu3TA"
	"jptlW/gAXA4ql+MA0GCSqGSIb3DQEBCwUAA4IBAQCIpyRiChxp97crKfQ24Jt7z8P+AGpLf3sX4eL87ESa7QRoVJtX"
	"Lmaut1pUEoYLQruKmh/0YFtZG9WxVgY6iuKbWnu7bOeMB/Ir+V/yrX3R+XvZOsuXiJnEbJiBW6lJzLldoW4f/71H+j"
	"1WD4tHpqmdMxq/sLqXfPIuc0/m0yFCn+ADBWGGB8Nn66vxtv+cT6p+RIVotXPQWbMilWp6pd5wSuB68FqrDwtYLNJt"
	"PwFs9MPVkuaJdYZ0eWd/rMcKD94Hgf89gvA0+qzMVFf+3BemXskjQRYy6CKsqoyC6jX4nhYjumAP/7psbzITsnpHtf"
	"CEEU+2JZwgM406aiMcsgLb\",\"RawTBSCertificate\":\"MIIB1aADAgECAgEAMA0GCSqGSIb3DQEBCwUAMBgxFjAUB"
	"gNVBAMMDSoua3l2ZXJuby5zdmMwHhcNMjIwMTExMTMyNjQzWhcNMjMwMTExMTQyNjQzWjAYMRYwFAYDVQQDDA0qLmt"
	"5dmVybm8uc3ZjMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAywDPzn7KKej4yZ0qxW0fA2LegBWO6bNce"
	"It9QkrvGLkpTwHuCg8cX9UJ79XtjZzhp/J+BjZ4/DgvFIOQJg2BjCqNLAYhtyyq/llFrMF0PFHT2uLo+Sc3IFUYuLl"
	"GU9cisZDemw25/nmrDEnEs7fWoJm6+S0pjli+4hHgk+YGG5IVc6efRmJDDy7ExxDRADaXP4/FYJU2T2r7fUfkMfWhh"
	"kMt9TeaKMg4D4AkZlsFv5nAGalUvT7ZNcvETvhajB0oRX5ZOwqiM1N3RXBy5EpEpH/rKdcACKzbXLVftSL0UkTqYMj"
	"KVQPjRZc4oYnWVhjjWRGdiFWG9dg30m01h1jcewIDAQABo0IwQDAOBgNVHQ8BAf8EBAMCAqQwDwYDVR0TAQH/BAUwA"
	"wEB/zAdBgNVHQ4EFgQU6eUBJUP1+7dMCOm2Vb+ABcDiqX4=\",\"RawSubjectPublicKeyInfo\":\"MIIBIjANBgkqhk"
	"iG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAywDPzn7KKej4yZ0qxW0fA2LegBWO6bNceIt9QkrvGLkpTwHuCg8cX9UJ79Xt"
	"jZzhp/J+BjZ4/DgvFIOQJg2BjCqNLAYhtyyq/llFrMF0PFHT2uLo+Sc3IFUYuLlGU9cisZDemw25/nmrDEnEs7fWoJ"
	"m6+S0pjli+4hHgk+YGG5IVc6efRmJDDy7ExxDRADaXP4/FYJU2T2r7fUfkMfWhhkMt9TeaKMg4D4AkZlsFv5nAGalU"
	"vT7ZNcvETvhajB0oRX5ZOwqiM1N3RXBy5EpEpH/rKdcACKzbXLVftSL0UkTqYMjKVQPjRZc4oYnWVhjjWRGdiFWG9d"
	"g30m01h1jcewIDAQAB\",\"RawSubject\":\"MBgxFjAUBgNVBAMMDSoua3l2ZXJuby5zdmM=\",\"RawIssuer\":\"MBgxF"
	"jAUBgNVBAMMDSoua3l2ZXJuby5zdmM=\",\"Signature\":\"iKckYgocafe3Kyn0NuCbe8/D/gBqS397F+Hi/OxEmu0E"
	"aFSbVy5mrrdaVBKGC0K7ipof9GBbWRvVsVYGOorim1p7u2znjAfyK/lf8q190fl72TrLl4iZxGyYgVupScy5XaFuH/"
	"+9R/o9Vg+LR6apnTMav7C6l3zyLnNP5tMhQp/gAwVhhgfDZ+ur8bb/nE+qfkSFaLVz0FmzIpVqeqXecErgevBaqw8L"
	"WCzSbT8BbPTD1ZLmiXWGdHlnf6zHCg/eB4H/PYLwNPqszFRX/twXpl7JI0EWMugirKqMguo1+J4WI7pgD/+6bG8yE7"
	"J6R7XwhBFPtiWcIDONOmojHLIC2w==\",\"SignatureAlgorithm\":4,\"PublicKeyAlgorithm\":1,\"PublicKey\":"
	"{\"N\":\"256267761942998091039439252930224787795501113510904391689950352513966205939005892374"
	"523641354759830881627357204677981669851914882130221860773498211458574027017234990126997724"
	"231625503191458965353557529443517429797942451718287923881533310052542015255939341221907166"
	"374830023169135397559045993709680076534847687930999709208817066519079433672126618887765834"
	"280091304968203051823417029705759245384135690269021959013290945141026814400571504900327247"
	"914606710067724343621329988534981753561333862371558548305462924637077838831110673321185586"
	"36600306550854546869660051077649500890548685566726464348535891964886136890236394619\",\"E\":6"
	"5537},\"Version\":3,\"SerialNumber\":0,\"Issuer\":{\"Country\":null,\"Organization\":null,\"Organizat"
	"ionalUnit\":null,\"Locality\":null,\"Province\":null,\"StreetAddress\":null,\"PostalCode\":null,\"Se"
	"rialNumber\":\"\",\"CommonName\":\"*.kyverno.svc\",\"Names\":[{\"Type\":[2,5,4,3],\"Value\":\"*.kyverno."
	"svc\"}],\"ExtraNames\":null},\"Subject\":{\"Country\":null,\"Organization\":null,\"OrganizationalUni"
	"t\":null,\"Locality\":null,\"Province\":null,\"StreetAddress\":null,\"PostalCode\":null,\"SerialNumb"
	"er\":\"\",\"CommonName\":\"*.kyverno.svc\",\"Names\":[{\"Type\":[2,5,4,3],\"Value\":\"*.kyverno.svc\"}],\""
	"ExtraNames\":null},\"NotBefore\":\"2022-01-11T13:26:43Z\",\"NotAfter\":\"2023-01-11T14:26:43Z\",\"Ke"
	"yUsage\":37,\"Extensions\":[{\"Id\":[2,5,29,15],\"Critical\":true,\"Value\":\"AwICpA==\"},{\"Id\":[2,5,"
	"29,19],\"Critical\":true,\"Value\":\"MAMBAf8=\"},{\"Id\":[2,5,29,14],\"Critical\":false,\"Value\":\"BBT"
	"p5QElQ/X7t0wI6bZVv4AFwOKpfg==\"}],\"ExtraExtensions\":null,\"UnhandledCriticalExtensions\":null"
	",\"ExtKeyUsage\":null,\"UnknownExtKeyUsage\":null,\"BasicConstraintsValid\":true,\"IsCA\":true,\"Ma"
	"xPathLen\":-1,\"MaxPathLenZero\":false,\"SubjectKeyId\":\"6eUBJUP1+7dMCOm2Vb+ABcDiqX4=\",\"Authori"
	"tyKeyId\":null,\"OCSPServer\":null,\"IssuingCertificateURL\":null,\"DNSNames\":null,\"EmailAddress"
	"es\":null,\"IPAddresses\":null,\"URIs\":null,\"PermittedDNSDomainsCritical\":false,\"PermittedDNSD"
	"omains\":null,\"ExcludedDNSDomains\":null,\"PermittedIPRanges\":null,\"ExcludedIPRanges\":null,\"P"
	"ermittedEmailAddresses\":null,\"ExcludedEmailAddresses\":null,\"PermittedURIDomains\":null,\"Exc"
	"ludedURIDomains\":null,\"CRLDistributionPoints\":null,\"PolicyIdentifiers\":null}";
/* A CA with a 20-byte serial and a multi-attribute subject. */
static const char cert2[] =
	"{\"pem\": \"-----BEGIN CERTIFICATE-----\\nMIIDSjCCAjKgAwIBAgIUWxmj40l+TDVJq98Xy7c6Leo3np8wDQYJ"
	"KoZIhvcNAQEL\\nBQAwPTELMAkGA1UEBhMCeHgxCjAIBgNVBAgTAXgxCjAIBgNVBAcTAXgxCjAIBgNV\\nBAoTAXgxCj"
	"AIBgNVBAsTAXgwHhcNMTgwMjAyMTIzODAwWhcNMjMwMjAxMTIzODAw\\nWjA9MQswCQYDVQQGEwJ4eDEKMAgGA1UECB"
	"MBeDEKMAgGA1UEBxMBeDEKMAgGA1UE\\nChMBeDEKMAgGA1UECxMBeDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQ"
	"oCggEB\\nANHkqOmVf23KMXdaZU2eFUx1h4wb09JINBB8x/HL7UE0KFJcnOoVnNQB0gRukUop\\niYCzrzMFyGWWmB/p"
	"AEKool+ZiI2uMy6mcYBDtOi4pOm7U0TQQMV6L/5Yfi65xRz3\\nRTMd/tYAoFi4aCZbJAGjxU6UWNYDzTy8E/cP6Znl"
	"NbVHRiA6/wHsoWcXtWTXYP5y\\nn9cf7EWQi1hOBM4BWmOIyB1f6LEgQipZWMOMPPHO3hsuSBn0rk7jovSt5XTlbgRr"
	"\\ntxqAJiNjJUykWzIF+lLnZCioippGv5vkdGvE83JoACXvZTUwzA+MLu49fkw3bweq\\nkbhrer8kacjfGlw3aJN37e"
	"ECAwEAAaNCMEAwDgYDVR0PAQH/BAQDAgEGMA8GA1Ud\\nEwEB/wQFMAMBAf8wHQYDVR0OBBYEFKXcb52bv6oqnD+D9f"
	"TNFHZL8IWxMA0GCSqG\\nSIb3DQEBCwUAA4IBAQADvKvv3ym0XAYwKxPLLl3Lc6sJYHDbTN0donduG7PXeb1d\\nhuuk"
	"J2lfufUYp2IGSAxuLecTYeeByOVp1gaMb5LsIGt2BVDmlMMkiH29LUHsvbyi\\n85CpJo7A5RJG6AWW2VBCiDjz5v8J"
	"FM6pMkBRFfXH+pwIge65CE+MTSQcfb1/aIIo\\nQ226P7E/3uUGX4k4pDXG/O7GNvykF40v1DB5y7DDBTQ4JWiJfyGk"
	"T69TmdOGLFAm\\njwxUjWyvEey4qJex/EGEm5RQcMv9iy7tba1wK7sykNGn5uDELGPGIIEAa5rIHm1F\\nUFOZZVoELa"
	"asWS559wy8og39Eq21dDMynb8Bndn/\\n-----END CERTIFICATE-----\\n\", \"b64\": \"LS0tLS1CRUdJTiBDRVJU"
	"SUZJQ0FURS0tLS0tCk1JSURTakNDQWpLZ0F3SUJBZ0lVV3htajQwbCtURFZKcTk4WHk3YzZMZW8zbnA4d0RRWUpLb1"
	"pJaHZjTkFRRUwKQlFBd1BURUxNQWtHQTFVRUJoTUNlSGd4Q2pBSUJnTlZCQWdUQVhneENqQUlCZ05WQkFjVEFYZ3hD"
	"akFJQmdOVgpCQW9UQVhneENqQUlCZ05WQkFzVEFYZ3dIaGNOTVRnd01qQXlNVEl6T0RBd1doY05Nak13TWpBeE1USX"
	"pPREF3CldqQTlNUXN3Q1FZRFZRUUdFd0o0ZURFS01BZ0dBMVVFQ0JNQmVERUtNQWdHQTFVRUJ4TUJlREVLTUFnR0Ex"
	"VUUKQ2hNQmVERUtNQWdHQTFVRUN4TUJlRENDQVNJd0RRWUpLb1pJaHZjTkFRRUJCUUFEZ2dFUEFEQ0NBUW9DZ2dFQg"
	"pBTkhrcU9tVmYyM0tNWGRhWlUyZUZVeDFoNHdiMDlKSU5CQjh4L0hMN1VFMEtGSmNuT29Wbk5RQjBnUnVrVW9wCmlZ"
	"Q3pyek1GeUdXV21CL3BBRUtvb2wrWmlJMnVNeTZtY1lCRHRPaTRwT203VTBUUVFNVjZMLzVZZmk2NXhSejMKUlRNZC"
	"90WUFvRmk0YUNaYkpBR2p4VTZVV05ZRHpUeThFL2NQNlpubE5iVkhSaUE2L3dIc29XY1h0V1RYWVA1eQpuOWNmN0VX"
	"UWkxaE9CTTRCV21PSXlCMWY2TEVnUWlwWldNT01QUEhPM2hzdVNCbjByazdqb3ZTdDVYVGxiZ1JyCnR4cUFKaU5qSl"
	"V5a1d6SUYrbExuWkNpb2lwcEd2NXZrZEd2RTgzSm9BQ1h2WlRVd3pBK01MdTQ5Zmt3M2J3ZXEKa2JocmVyOGthY2pm"
	"R2x3M2FKTjM3ZUVDQXdFQUFhTkNNRUF3RGdZRFZSMFBBUUgvQkFRREFnRUdNQThHQTFVZApFd0VCL3dRRk1BTUJBZj"
	"h3SFFZRFZSME9CQllFRktYY2I1MmJ2Nm9xbkQrRDlmVE5GSFpMOElXeE1BMEdDU3FHClNJYjNEUUVCQ3dVQUE0SUJB"
	"UUFEdkt2djN5bTBYQVl3S3hQTExsM0xjNnNKWUhEYlROMGRvbmR1RzdQWGViMWQKaHV1a0oybGZ1ZlVZcDJJR1NBeH"
	"VMZWNUWWVlQnlPVnAxZ2FNYjVMc0lHdDJCVkRtbE1Na2lIMjlMVUhzdmJ5aQo4NUNwSm83QTVSSkc2QVdXMlZCQ2lE"
	"ano1djhKRk02cE1rQlJGZlhIK3B3SWdlNjVDRStNVFNRY2ZiMS9hSUlvClEyMjZQN0UvM3VVR1g0azRwRFhHL083R0"
	"52eWtGNDB2MURCNXk3RERCVFE0SldpSmZ5R2tUNjlUbWRPR0xGQW0Kand4VWpXeXZFZXk0cUpleC9FR0VtNVJRY012"
	"OWl5N3RiYTF3SzdzeWtOR241dURFTEdQR0lJRUFhNXJJSG0xRgpVRk9aWlZvRUxhYXNXUzU1OXd5OG9nMzlFcTIxZE"
	"RNeW5iOEJuZG4vCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K\"}";

Test(jp_kyverno_x509, decodes_as_go_marshals_the_certificate)
{
	jp_run r = jp_mode(KP_JP_KYVERNO, "x509_decode(pem)", cert1);
	cr_assert_eq(r.kind, KP_JP_OK, "%s", r.err.msg);
	const kp_value *want = kp_json_parse(jp_test_arena(), want1, strlen(want1));
	cr_assert(want);
	cr_assert(kp_jp_equal(r.v, want), "got %s", r.json);
}

Test(jp_kyverno_x509, serial_names_and_base64_input)
{
	jp_run r = jp_mode(KP_JP_KYVERNO, "x509_decode(base64_decode(b64)).[SerialNumber, Subject.Country, "
			   "Issuer.Names[4].Type, KeyUsage, PublicKey.E, NotAfter, CommonName]", cert2);
	cr_assert_eq(r.kind, KP_JP_OK, "%s", r.err.msg);
	cr_assert_str_eq(r.json, "[5.2008995541932624e+47,[\"xx\"],[2,5,4,11],96,65537,\"2023-02-01T12:38:00Z\",null]",
			 "%s", r.json);
}

Test(jp_kyverno_x509, errors)
{
	jp_run r = jp_mode(KP_JP_KYVERNO, "x509_decode('xyz')", NULL);
	cr_assert_eq(r.kind, KP_JP_E_FUNCTION);
	cr_assert(strstr(r.err.msg, "invalid certificate"), "%s", r.err.msg);
	r = jp_mode(KP_JP_KYVERNO, "x509_decode('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')", NULL);
	cr_assert_eq(r.kind, KP_JP_E_FUNCTION);
	r = jp_mode(KP_JP_KYVERNO, "x509_decode('-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----')", NULL);
	cr_assert(strstr(r.err.msg, "malformed certificate request"), "%s", r.err.msg);
	r = jp_mode(KP_JP_KYVERNO, "x509_decode('-----BEGIN PRIVATE KEY-----\\n-----END PRIVATE KEY-----')", NULL);
	cr_assert(strstr(r.err.msg, "neither contains"), "%s", r.err.msg);
	cr_assert_eq(jp_mode(KP_JP_KYVERNO, "x509_decode(`1`)", NULL).kind, KP_JP_E_INVALID_TYPE);
}

/* A leaf made by `openssl req -x509` with SANs, key usages, CRL, AIA and
 * policy extensions. */
static const char leaf[] =
	"{\"pem\": \"-----BEGIN CERTIFICATE-----\\nMIIEGDCCAwCgAwIBAgIUfHOgsXDhyC0Slqwi58ZT0t62DU8wDQYJ"
	"KoZIhvcNAQEL\\nBQAwLzEVMBMGA1UEAwwMbGVhZi5leGFtcGxlMQowCAYDVQQLDAFhMQowCAYDVQQL\\nDAFiMB4XDT"
	"I2MTIwMTIyMTk0NFoXDTI2MTIzMTIyMTk0NFowLzEVMBMGA1UEAwwM\\nbGVhZi5leGFtcGxlMQowCAYDVQQLDAFhMQ"
	"owCAYDVQQLDAFiMIIBIjANBgkqhkiG\\n9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwvPEqctPmfRIwCtDbx3Vi8LA3lUKin"
	"epKnvv\\nKNfOSEThY9iWsezdyre1sKOa8PuobUZemNL0Bui7A3lgX3obZpgr7xrukGEJ5LhZ\\nMCbAlEXJ0g5g79Hp"
	"19uEOucqgwNEMUmsvrc33M9FTJhqHlNWClIs9Tcey2Ic8u7G\\nFOyvjtzunCbIOqiVloXhHeaEYr14Dz1mnzL5+PoI"
	"Ey7F6Z9chB8iuX3ObbgpBuFf\\nOJJ7sjyqtxwEDpy53EeATiHcz5fslgEksXCorWhNeCCY/663ThD0VCAsolDlt9Y5"
	"\\nZVCbj5lAR/k11/rRVRyVsy57QwUP/CHGvniY+Pf8gEbPzKuxHwIDAQABo4IBKjCC\\nASYwHQYDVR0OBBYEFGoCc7"
	"q9R1PnVkYN6IjQ4Q5hmngfMC8GA1UdEQQoMCaCDGxl\\nYWYuZXhhbXBsZYcQAAAAAAAAAAAAAAAAAAAAAYcEwKgBAT"
	"AiBgNVHSUEGzAZBggr\\nBgEFBQcDAQYIKwYBBQUHAwIGAyoDBDAOBgNVHQ8BAf8EBAMCBaAwDAYDVR0TAQH/\\nBAIw"
	"ADApBgNVHR8EIjAgMB6gHKAahhhodHRwOi8vY3JsLmV4YW1wbGUveC5jcmww\\nVQYIKwYBBQUHAQEESTBHMB8GCCsG"
	"AQUFBzABhhNodHRwOi8vb2NzcC5leGFtcGxl\\nMCQGCCsGAQUFBzAChhhodHRwOi8vY2EuZXhhbXBsZS9jYS5jcnQw"
	"EAYDVR0gBAkw\\nBzAFBgMqAwUwDQYJKoZIhvcNAQELBQADggEBAKaimSQnolNf9r1b2WXQ2cQULKvA\\nDnO8FyARgY"
	"5plxWeSgkImEoSiKvlzO8pkT0RjiC2WCrGJ2333cJxVGuMSTf+5E2Z\\neJDT12kHcY9hph7NcjLvSm9ghWQQh6OuuJ"
	"DKIupjIV7xGcAxU0ZDaIMSh76KttTz\\n0/S4jNsKY/oVacf9KsV4FrPwVEKFYLMZqX6VdZ6fq00UDmjCGWxOGrLpRp"
	"ypYmBN\\ns+t7oWI4XxMBhed7PN9UJLq+MKcwGqwTITAQzBPHr2Z/O1sibUb0MmZTYxL5o2wY\\nGQzN/EQ0Bgu4M0ir"
	"VxfoCrLIvQXQkonFwELdGKGIPwLwhCYupk7gdJyrBGA=\\n-----END CERTIFICATE-----\\n\"}";

Test(jp_kyverno_x509, extensions_of_a_leaf)
{
	jp_run r = jp_mode(KP_JP_KYVERNO,
			   "x509_decode(pem) | [Subject.OrganizationalUnit, DNSNames, IPAddresses, ExtKeyUsage, "
			   "UnknownExtKeyUsage, KeyUsage, BasicConstraintsValid, IsCA, MaxPathLen, MaxPathLenZero, "
			   "AuthorityKeyId, SubjectKeyId, CRLDistributionPoints, OCSPServer, IssuingCertificateURL, "
			   "PolicyIdentifiers, UnhandledCriticalExtensions, length(Extensions), Version]", leaf);
	cr_assert_eq(r.kind, KP_JP_OK, "%s", r.err.msg);
	cr_assert_str_eq(r.json,
			 "[[\"a\",\"b\"],[\"leaf.example\"],[\"::1\",\"192.168.1.1\"],[1,2],[[1,2,3,4]],5,true,false,-1,false,"
			 "null,\"agJzur1HU+dWRg3oiNDhDmGaeB8=\",[\"http://crl.example/x.crl\"],[\"http://ocsp.example\"],"
			 "[\"http://ca.example/ca.crt\"],[[1,2,3,5]],null,8,3]", "%s", r.json);
}

/* A request made by `openssl req -new` with a subjectAltName extension. */
static const char csr[] =
	"{\"pem\": \"-----BEGIN CERTIFICATE REQUEST-----\\nMIICrjCCAZYCAQAwMTELMAkGA1UEBhMCeHgxDDAKBgNV"
	"BAoMA29yZzEUMBIGA1UE\\nAwwLZXhhbXBsZS5jb20wggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDC\\n88"
	"Spy0+Z9EjAK0NvHdWLwsDeVQqKd6kqe+8o185IROFj2Jax7N3Kt7Wwo5rw+6ht\\nRl6Y0vQG6LsDeWBfehtmmCvvGu"
	"6QYQnkuFkwJsCURcnSDmDv0enX24Q65yqDA0Qx\\nSay+tzfcz0VMmGoeU1YKUiz1Nx7LYhzy7sYU7K+O3O6cJsg6qJ"
	"WWheEd5oRivXgP\\nPWafMvn4+ggTLsXpn1yEHyK5fc5tuCkG4V84knuyPKq3HAQOnLncR4BOIdzPl+yW\\nASSxcKit"
	"aE14IJj/rrdOEPRUICyiUOW31jllUJuPmUBH+TXX+tFVHJWzLntDBQ/8\\nIca+eJj49/yARs/Mq7EfAgMBAAGgODA2"
	"BgkqhkiG9w0BCQ4xKTAnMCUGA1UdEQQe\\nMByCDWEuZXhhbXBsZS5jb22HBAoAAAGBBXhAeS56MA0GCSqGSIb3DQEB"
	"CwUAA4IB\\nAQAlp6eLxuv4acwrocB9w5xwnVzLTQ1je0ptvL5w587Hl0JZw7Msht50qZDWbDHU\\nPc24VjA4M+Oo71"
	"47gW2ZUcf96GXvFSs+6qmPxg6dMydl+k+b/1f7Nn4S4nKRcw3S\\n8HiPgNFvmaMLO3x20e8Oj8JSNR6hDs1E4e33bT"
	"mGluT44dNU9n4YLfNvpHUUh2vQ\\nNrI5kVJiLXrF7E08JARDquYIOglYXrk9Uw5BnYOCiC57Ls+Fo5KQ4gUZGEK6SJ"
	"aC\\nog1dXxlW44BXNe7VwsotUSynmWXXGFu+dUREmovi365IdsZsz6nX49ZaWmr53k2W\\nCbwmQr/gQe7wyP3syXu3"
	"0OnD\\n-----END CERTIFICATE REQUEST-----\\n\"}";

Test(jp_kyverno_x509, certificate_request)
{
	jp_run r = jp_mode(KP_JP_KYVERNO,
			   "x509_decode(pem) | [Version, Subject.CommonName, Subject.Country, Attributes, Extensions, "
			   "DNSNames, IPAddresses, EmailAddresses, SignatureAlgorithm, PublicKeyAlgorithm, PublicKey.E, "
			   "ExtraExtensions, URIs]", csr);
	cr_assert_eq(r.kind, KP_JP_OK, "%s", r.err.msg);
	cr_assert_str_eq(r.json,
			 "[0,\"example.com\",[\"xx\"],[{\"Type\":[1,2,840,113549,1,9,14],\"Value\":[[{\"Type\":[2,5,29,17],"
			 "\"Value\":\"MByCDWEuZXhhbXBsZS5jb22HBAoAAAGBBXhAeS56\"}]]}],[{\"Id\":[2,5,29,17],\"Critical\":false,"
			 "\"Value\":\"MByCDWEuZXhhbXBsZS5jb22HBAoAAAGBBXhAeS56\"}],[\"a.example.com\"],[\"10.0.0.1\"],"
			 "[\"x@y.z\"],4,1,65537,null,null]", "%s", r.json);
}
