// Package defaults holds the defaults that the configuration and the components
// share, each written once: the configuration fills them in, the components' specs
// default to them and their conformance suites expect them. Standard library only.
package defaults

// Backups (BAK-2).
const (
	// RetentionDays is how long every backup copy is kept when the stack names no
	// retention and no GFS.
	RetentionDays = 35
	// GFSDailyDays, GFSWeeklyDays and GFSMonthlyDays are how long grandfather-father-
	// son keeps its 7 daily, 4 weekly and 3 monthly copies; the monthly is the
	// longest, so it is the retention a GFS stack reports.
	GFSDailyDays   = 7
	GFSWeeklyDays  = 4 * 7
	GFSMonthlyDays = 3 * 31
)

// BGPASN is the customer-side autonomous system number of a VPN peer that names
// none (a private ASN, RFC 6996).
const BGPASN = 65000
