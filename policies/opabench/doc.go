// Package opabench compares the policy core's residency rules with the same
// rules written in Rego and evaluated by the OPA Go library, on the same
// synthetic 10,000-resource preview. Its benchmark is behind the `opa` build
// tag so that the ordinary test run never compiles OPA:
//
//	go test -tags opa -run xxx -bench . -benchtime 3x ./policies/...
package opabench
