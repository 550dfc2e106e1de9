# RES-2 and RES-1 (missing jurisdiction aside) as the Go core judges them: a data
# resource is placed by its own region input or its provider's region; a region
# outside the allowed set, or none, is a violation.
package odoo.residency

import rego.v1

providers[p.urn] := p if {
	some p in input.resources
	startswith(p.type, "pulumi:providers:")
}

default_provider := p if {
	some p in input.resources
	p.type == "pulumi:providers:aws"
	startswith(p.name, "default")
}

region_of(r) := reg if {
	reg := r.inputs.region
} else := reg if {
	reg := providers[r.provider].inputs.region
} else := reg if {
	r.provider == ""
	reg := default_provider.inputs.region
}

violations contains v if {
	some r in input.resources
	data.data_types[r.type]
	reg := region_of(r)
	reg == "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
	v := {"control": "RES-2", "urn": r.urn, "value": "unknown"}
}

violations contains v if {
	some r in input.resources
	data.data_types[r.type]
	reg := region_of(r)
	reg != "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
	not data.allowed[reg]
	v := {"control": "RES-2", "urn": r.urn, "value": reg}
}

violations contains v if {
	some r in input.resources
	data.data_types[r.type]
	not region_of(r)
	v := {"control": "RES-2", "urn": r.urn, "value": "none"}
}
