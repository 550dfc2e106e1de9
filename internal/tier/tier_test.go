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

// TestBAK1_ObjectivesOfAStack: the one place a stack's RPO and RTO are computed. A
// fixed tier ignores what is configured; on-premise (and an unknown tier) takes it.
func TestBAK1_ObjectivesOfAStack(t *testing.T) {
	for _, c := range []struct {
		tr               tier.Tier
		configured       int
		wantRPO, wantRTO int
	}{
		{tier.OdooSH, 6, 24, 8},
		{tier.Cloud, 6, 1, 4},
		{tier.Enterprise, 0, 1, 4},
		{tier.OnPremise, 6, 6, 6},
		{tier.OnPremise, 0, 0, 0},
		{tier.Tier("dmz"), 3, 3, 3},
	} {
		require.Equal(t, []int{c.wantRPO, c.wantRTO}, []int{c.tr.RPOHours(c.configured), c.tr.RTOHours(c.configured)}, "%s %d", c.tr, c.configured)
	}
}
