package edgetest_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/edge/edgetest"
)

// The cases follow the examples of Cloudflare's functions reference.
func TestURLDecodeFollowsCloudflare(t *testing.T) {
	for _, c := range []struct{ in, opts, want string }{
		{"John%20Doe", "", "John Doe"},
		{"John+Doe", "", "John Doe"},
		{"%2520", "", "%20"},
		{"%2520", "r", " "},
		{"%u2601", "u", "\xe2\x98\x81"},
		{"%u2601", "", "%u2601"},
		{"/web%2Fdatabase", "", "/web/database"},
		{"100%", "", "100%"},
		{"%zz", "", "%zz"},
	} {
		require.Equal(t, c.want, edgetest.URLDecode(c.in, c.opts), "%s %s", c.in, c.opts)
	}
}

// The cases follow Cloudflare's URL normalization examples (type cloudflare).
func TestNormalizeFollowsCloudflare(t *testing.T) {
	for in, want := range map[string]string{
		"/%68ello//pa\\th":   "/hello/pa/th",
		"/hello":             "/hello",
		"/a/./b/../c":        "/a/c",
		"/%2e%2e/web":        "/web",
		"/web%2fdatabase":    "/web%2Fdatabase",
		"/web/database%2F..": "/web/database%2F..",
		"/a b":               "/a%20b",
	} {
		require.Equal(t, want, edgetest.Normalize(in), in)
	}
}

func TestEvalFunctions(t *testing.T) {
	r := edgetest.Request{Method: "POST", Path: "/Web%2FLogin", Body: `{"params":{"\u0073ervice":"db","args":[1,"two"]}}`, ClientIP: "192.0.2.1"}
	for expr, want := range map[string]bool{
		`lower(url_decode(http.request.uri.path)) eq "/web/login"`:                      true,
		`raw.http.request.uri.path eq "/Web%2FLogin"`:                                   true,
		`remove_bytes(lower(url_decode(http.request.uri.path)), "/") eq "weblogin"`:     true,
		`lookup_json_string(http.request.body.raw, "params", "service") eq "db"`:        true,
		`lookup_json_string(http.request.body.raw, "params", "args", 1) eq "two"`:       true,
		`lookup_json_string(http.request.body.raw, "params", "args", 0) eq "1"`:         false,
		`lookup_json_string(http.request.body.raw, "nothing") ne "x"`:                   false,
		`not lookup_json_string(http.request.body.raw, "nothing") eq "x"`:               true,
		`ends_with(http.request.uri.path, "Login")`:                                     true,
		`http.request.body.raw matches r#"\\u0073"#`:                                    true,
		`lower(http.request.method) eq "post" and http.request.method eq "POST"`:        true,
		`http.request.uri.path in {"/Web%2FLogin" "/x"} and ip.src in {192.0.2.0/24}`:   true,
		`lower(lookup_json_string(http.request.body.raw, "params", "missing")) eq "db"`: false,
	} {
		got, err := edgetest.Eval(expr, r)
		require.NoError(t, err, expr)
		require.Equal(t, want, got, expr)
	}
}

func TestEvalRefusesWhatItDoesNotKnow(t *testing.T) {
	get := edgetest.Request{Method: "GET", Path: "/web", ClientIP: "192.0.2.1"}
	for expr, want := range map[string]string{
		`http.cookie contains "x"`:                      `expression at 11: unknown field "http.cookie"`,
		`http.request.uri.path eq "/a" xor true`:        `expression at 30: unexpected "xor true"`,
		`(http.request.uri.path eq "/a"`:                `expression at 30: missing )`,
		`http.request.uri.path wildcard "/a*"`:          `expression at 22: expected an operator after /web`,
		`cf.bot_management.score lt "x"`:                `expression at 30: lt: number compared with x`,
		`http.request.uri.path matches "("`:             "expression at 33: matches: error parsing regexp: missing closing ): `(`",
		`url_decode("%2F") eq "/"`:                      `expression at 17: url_decode: the source must be a field`,
		`starts_with("/web", "/")`:                      `expression at 24: starts_with: the source cannot be a literal`,
		`url_decode(http.request.uri.path, "x") eq "/"`: `expression at 38: url_decode: options x; allowed: r, u`,
	} {
		_, err := edgetest.Eval(expr, get)
		require.EqualError(t, err, want, expr)
	}
}
