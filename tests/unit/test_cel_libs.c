/* Unit tests: the Kubernetes CEL libraries (quantity, ip/cidr, semver,
 * url, jsonpatch) in engine/cel. */
#include <criterion/criterion.h>

#include "cel_util.h"

Test(cel_quantity, functions)
{
	CEL_EQ("quantity('1Gi').isGreaterThan(quantity('1G'))", "true");
	CEL_EQ("quantity('500m').compareTo(quantity('0.5'))", "0");
	CEL_EQ("quantity('500m') == quantity('0.5')", "true");
	CEL_EQ("quantity('2Ki').asInteger()", "2048");
	CEL_EQ("quantity('1.5').isInteger()", "false");
	CEL_ERR("quantity('1.5').asInteger()", "error: cannot convert value to integer");
	CEL_EQ("quantity('1.5').asApproximateFloat()", "1.5");
	CEL_EQ("quantity('100m').add(quantity('900m')).asInteger()", "1");
	CEL_EQ("quantity('1').sub(3).sign()", "-1");
	CEL_EQ("isQuantity('1Zi')", "false");
	CEL_ERR("quantity('x')", "error: quantities must match");
	CEL_EQ("type(quantity('1')) == type(quantity('2'))", "true");
}

Test(cel_ip, addresses)
{
	CEL_EQ("ip('192.168.0.1').family()", "4");
	CEL_EQ("string(ip('2001:DB8::1'))", "\"2001:db8::1\"");
	CEL_EQ("ip.isCanonical('2001:db8::1')", "true");
	CEL_EQ("ip.isCanonical('2001:DB8::1')", "false");
	CEL_EQ("isIP('1.2.3')", "false");
	CEL_EQ("isIP('::ffff:1.2.3.4')", "false");
	CEL_EQ("isIP('fe80::1%eth0')", "false");
	CEL_EQ("ip('127.0.0.1').isLoopback() && ip('::').isUnspecified()", "true");
	CEL_EQ("ip('169.254.1.1').isLinkLocalUnicast() && ip('ff02::1').isLinkLocalMulticast()", "true");
	CEL_EQ("ip('10.0.0.1').isGlobalUnicast() && !ip('255.255.255.255').isGlobalUnicast()", "true");
	CEL_EQ("ip('10.0.0.1') == ip('10.0.0.1')", "true");
	CEL_ERR("ip('010.0.0.1')", "error: IP Address '010.0.0.1' parse error");
}

Test(cel_ip, cidrs)
{
	CEL_EQ("cidr('10.0.0.0/8').containsIP('10.1.2.3')", "true");
	CEL_EQ("cidr('10.0.0.0/8').containsIP(ip('11.1.2.3'))", "false");
	CEL_EQ("cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16')", "true");
	CEL_EQ("cidr('10.1.0.0/16').containsCIDR(cidr('10.0.0.0/8'))", "false");
	CEL_EQ("string(cidr('10.1.2.3/8').masked())", "\"10.0.0.0/8\"");
	CEL_EQ("string(cidr('10.1.2.3/8').ip())", "\"10.1.2.3\"");
	CEL_EQ("cidr('2001:db8::/32').prefixLength()", "32");
	CEL_EQ("isCIDR('10.0.0.0/33') || isCIDR('10.0.0.0') || isCIDR('10.0.0.0/08')", "false");
}

Test(cel_semver, versions)
{
	CEL_EQ("semver('1.2.3').major() + semver('1.2.3').minor() + semver('1.2.3').patch()", "6");
	CEL_EQ("semver('1.2.3').isLessThan(semver('1.10.0'))", "true");
	CEL_EQ("semver('1.0.0-alpha').isLessThan(semver('1.0.0'))", "true");
	CEL_EQ("semver('1.0.0-alpha.1').compareTo(semver('1.0.0-alpha.beta'))", "-1");
	CEL_EQ("semver('1.0.0+build') == semver('1.0.0')", "true");
	CEL_EQ("isSemver('1.2')", "false");
	CEL_EQ("isSemver('v1.2', true)", "true");
	CEL_EQ("semver('v01.2', true).major()", "1");
	CEL_EQ("isSemver('01.2.3')", "false");
	CEL_ERR("semver('x')", "error: string 'x' cannot be converted to Semver");
}

Test(cel_url, parts)
{
	CEL_EQ("url('https://user@example.com:8080/a%20b?x=1&y=2&x=3').getHost()", "\"example.com:8080\"");
	CEL_EQ("url('https://example.com:8080/p').getHostname()", "\"example.com\"");
	CEL_EQ("url('https://[::1]:80/p').getHostname()", "\"::1\"");
	CEL_EQ("url('https://example.com:8080/p').getPort()", "\"8080\"");
	CEL_EQ("url('https://example.com/a%20b').getEscapedPath()", "\"/a%20b\"");
	CEL_EQ("url('https://example.com/?x=1&y=2&x=3').getQuery()", "{\"x\": [\"1\", \"3\"], \"y\": [\"2\"]}");
	CEL_EQ("url('/just/a/path').getScheme()", "\"\"");
	CEL_EQ("isURL('not a url')", "false");
	CEL_EQ("isURL('https://ok.example')", "true");
}

Test(cel_jsonpatch, escape_key)
{
	CEL_EQ("jsonpatch.escapeKey('a/b~c')", "\"a~1b~0c\"");
}

Test(cel_format, named_formats)
{
	CEL_EQ("format.dns1123Label().validate('my-name')", "optional.none()");
	CEL_EQ("format.dns1123Label().validate('a.b')", "optional.of([\"must not contain dots\"])");
	CEL_EQ("format.dns1123Label().validate('Ab').value()[0].startsWith("
	       "\"a lowercase RFC 1123 label must consist of\")", "true");
	CEL_EQ("format.dns1123Subdomain().validate('example.com').hasValue()", "false");
	CEL_EQ("format.dns1035Label().validate('1abc').hasValue()", "true");
	CEL_EQ("format.dns1123LabelPrefix().validate('my-prefix-').hasValue()", "false");
	CEL_EQ("format.qualifiedName().validate('example.com/MyName').hasValue()", "false");
	CEL_EQ("format.qualifiedName().validate('/x')", "optional.of([\"prefix part must be non-empty\"])");
	CEL_EQ("format.labelValue().validate('').hasValue()", "false");
	CEL_EQ("format.named('uuid').value().validate('123e4567-e89b-12d3-a456-426614174000')", "optional.none()");
	CEL_EQ("format.named('nope')", "optional.none()");
	CEL_EQ("format.date().validate('2021-02-30')", "optional.of([\"invalid date\"])");
	CEL_EQ("format.byte().validate('aGVsbG8')", "optional.of([\"invalid base64\"])");
	CEL_EQ("format.uri().validate('http://example.com').hasValue()", "false");
}
