package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNET1_CustomerNamedPublicSector: roles are read from the odoo-hosting:role
// tag, not guessed from names. A customer called "public-sector" names every
// subnet, route table and security group "public-sector-…"; the compliant
// example plan must still pass NET-1, NET-2 and NET-3 (and every other rule).
func TestNET1_CustomerNamedPublicSector(t *testing.T) {
	src := filepath.Join("..", "examples", "acme-eu", "Pulumi.acme-eu.yaml")
	data, err := os.ReadFile(src)
	require.NoError(t, err)
	cfg := strings.Replace(string(data), "odoo-hosting:customer: acme\n", "odoo-hosting:customer: public-sector\n", 1)
	require.NotEqual(t, string(data), cfg, "the example names its customer")
	dir := t.TempDir()
	path := filepath.Join(dir, "Pulumi.public-sector-eu.yaml")
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
	judgeExample(t, path, false)
	judgeExample(t, path, true)
}
