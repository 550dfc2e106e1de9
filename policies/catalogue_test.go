//go:build !mutation

package policies

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// pinnedSDKs are the provider SDKs whose every resource type the catalogue
// classifies (RES-2): the versions go.mod pins (gcp: the version the GCP work pins).
var pinnedSDKs = []struct{ provider, module, dir string }{
	{"aws", "github.com/pulumi/pulumi-aws/sdk/v6@v6.83.0", "go/aws"},
	{"gcp", "github.com/pulumi/pulumi-gcp/sdk/v7@v7.38.0", "go/gcp"},
	{"cloudflare", "github.com/pulumi/pulumi-cloudflare/sdk/v5@v5.49.1", "go/cloudflare"},
}

// registered matches the type token each resource's Go constructor registers.
var registered = regexp.MustCompile(`ctx\.RegisterResource\("([a-z0-9-]+:[^"]+)"`)

// sdkTypes lists the resource type tokens of one SDK by scanning its module
// source, fetched into the module cache by `go mod download` (the policies
// package never imports the SDKs).
func sdkTypes(t *testing.T, module, sub string) []string {
	t.Helper()
	out, err := exec.Command("go", "mod", "download", "-json", module).Output()
	if err != nil {
		t.Fatalf("go mod download %s: %v", module, err)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out, &info); err != nil || info.Dir == "" {
		t.Fatalf("go mod download %s: %s %v", module, info.Error, err)
	}
	seen := map[string]bool{}
	err = filepath.WalkDir(filepath.Join(info.Dir, sub), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range registered.FindAllSubmatch(b, -1) {
			if tok := string(m[1]); !strings.HasPrefix(tok, "pulumi:providers:") {
				seen[tok] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for tok := range seen {
		types = append(types, tok)
	}
	sort.Strings(types)
	return types
}

// TestCatalogueClassifiesEveryPinnedType: every resource type of the pinned aws,
// gcp and cloudflare SDKs is classified (data-bearing, or no customer data with a
// reason), and every type the catalogue names exists in those SDKs.
func TestCatalogueClassifiesEveryPinnedType(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the SDK module sources")
	}
	all := map[string]bool{}
	for _, sdk := range pinnedSDKs {
		types := sdkTypes(t, sdk.module, sdk.dir)
		counts := map[class]int{}
		for _, typ := range types {
			all[typ] = true
			c, why := classify(typ)
			counts[c]++
			switch {
			case c == unclassified:
				t.Errorf("%s is not classified: add it (or its module) to the data catalogue", typ)
			case why == "":
				t.Errorf("%s is classified without a reason or kind", typ)
			}
		}
		t.Logf("%s: %d types: %d data-bearing, %d without customer data, %d unclassified", sdk.module, len(types), counts[data], counts[noData], counts[unclassified])
		// A floor so that a scan which finds nothing cannot pass.
		if len(types) < 150 {
			t.Errorf("%s: only %d types found", sdk.module, len(types))
		}
	}
	for typ := range dataTypes {
		if !all[typ] {
			t.Errorf("dataTypes names %s, which no pinned SDK registers", typ)
		}
	}
	for typ := range noDataTypes {
		if !all[typ] {
			t.Errorf("noDataTypes names %s, which no pinned SDK registers", typ)
		}
	}
	modules := map[string]bool{}
	for typ := range all {
		modules[moduleOf(typ)] = true
	}
	for m := range noDataModules {
		if !modules[m] {
			t.Errorf("noDataModules names %s, which no pinned SDK has", m)
		}
		if _, ok := dataModules[m]; ok {
			t.Errorf("%s is classified both as data-bearing and as holding no data", m)
		}
	}
	for m := range dataModules {
		if !modules[m] {
			t.Errorf("dataModules names %s, which no pinned SDK has", m)
		}
	}
}

// TestUnclassifiedTypeIsDataBearing: a type of a catalogued provider that the
// catalogue does not know (a newer SDK) bears data; another provider's does not.
func TestUnclassifiedTypeIsDataBearing(t *testing.T) {
	for typ, want := range map[string]bool{
		"aws:newservice/store:Store":                  true,
		"gcp:newservice/store:Store":                  true,
		"cloudflare:index/newStore:NewStore":          false, // cloudflare:index is classified as a module
		"aws:iam/role:Role":                           false,
		"aws:s3/bucketV2:BucketV2":                    true,
		"random:index/randomId:RandomId":              false,
		"gcp:storage/bucketIAMMember:BucketIAMMember": false,
	} {
		if got := bearsData(&Resource{Type: typ, Custom: true}); got != want {
			t.Errorf("bearsData(%s) = %v, want %v", typ, got, want)
		}
	}
}
