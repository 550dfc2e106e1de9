package config

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with a configuration: the field (a path such as
// "network.vpnPeers[0].publicIp"), the offending value, what is wrong and what
// is allowed.
type Problem struct {
	Field   string
	Value   string
	Reason  string
	Allowed string
}

// String renders the problem as one line:
//
//	backupRegion "us-east-1" is outside jurisdiction eu; allowed: eu-central-1, eu-north-1
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.Field)
	if p.Value != "" {
		fmt.Fprintf(&b, " %q", p.Value)
	}
	b.WriteString(" ")
	b.WriteString(p.Reason)
	if p.Allowed != "" {
		b.WriteString("; allowed: ")
		b.WriteString(p.Allowed)
	}
	return b.String()
}

// Problems is every problem found in one pass. It is an error when not empty.
type Problems []Problem

// Error renders one problem per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

func (ps *Problems) add(field, value, reason, allowed string) {
	*ps = append(*ps, Problem{Field: field, Value: value, Reason: reason, Allowed: allowed})
}

func (ps *Problems) addf(field, value, allowed, format string, args ...any) {
	ps.add(field, value, fmt.Sprintf(format, args...), allowed)
}
