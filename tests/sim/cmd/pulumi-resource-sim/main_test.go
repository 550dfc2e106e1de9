package main

import "testing"

func TestIdentity(t *testing.T) {
	for _, c := range []struct{ exe, pkgEnv, verEnv, pkg, ver string }{
		{"/h/plugins/resource-aws-v6.83.0/pulumi-resource-aws", "", "", "aws", "6.83.0"},
		{"/h/plugins/resource-cloudflare-v5.49.1/pulumi-resource-cloudflare", "", "", "cloudflare", "5.49.1"},
		{"/usr/bin/pulumi-resource-gcp", "", "7.38.0", "gcp", "7.38.0"},
		{"/usr/bin/pulumi-resource-sim", "", "", "", ""},
		{"/usr/bin/pulumi-resource-sim", "aws", "1.2.3", "aws", "1.2.3"},
	} {
		pkg, ver := identity(c.exe, c.pkgEnv, c.verEnv)
		if pkg != c.pkg || ver != c.ver {
			t.Errorf("identity(%q) = %q, %q; want %q, %q", c.exe, pkg, ver, c.pkg, c.ver)
		}
	}
}
