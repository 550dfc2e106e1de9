package tier_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/internal/tier"
)

func TestParse(t *testing.T) {
	for _, want := range tier.All() {
		got, err := tier.Parse(string(want))
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
	_, err := tier.Parse("gold")
	require.EqualError(t, err, `tier "gold" is unknown; allowed: odoo-sh, cloud, enterprise, on-premise`)
	_, err = tier.Parse("")
	require.Error(t, err)
}

func TestWhatEachTierIs(t *testing.T) {
	type row struct {
		app, network bool
		zones        int
		rpo, rto     int
		fixed        bool
	}
	want := map[tier.Tier]row{
		tier.OdooSH:     {false, false, 2, 24, 8, true},
		tier.Cloud:      {true, true, 2, 1, 4, true},
		tier.Enterprise: {true, true, 3, 1, 4, true},
		tier.OnPremise:  {false, true, 2, 0, 0, false},
	}
	require.Len(t, want, len(tier.All()))
	for tr, w := range want {
		rpo, rto, fixed := tr.Objectives()
		require.Equal(t, w, row{tr.RunsApplication(), tr.NeedsNetwork(), tr.ZoneCount(), rpo, rto, fixed}, tr)
	}
}
