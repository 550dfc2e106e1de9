# odoo-hosting: make help lists every target.
SHELL := /bin/bash
GO    ?= go
STACK ?= examples/acme-eu/Pulumi.acme-eu.yaml
GOLANGCI_VERSION := v2.15.0
ACTIONLINT_VERSION := v1.7.7
TOOLS := $(CURDIR)/.tools
GREMLINS_VERSION := v0.6.0
# MUTATION_FLOOR is the least mutation efficacy (killed / (killed + lived), in %)
# `make mutation` accepts on the policy core (goal: 90).
MUTATION_FLOOR ?= 90

.PHONY: help setup build test lint plan check bench bench-opa bench-engine golden fuzz e2e up preview destroy refresh pack actionlint clean mutation

help: ## list every target
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

setup: ## download the Go modules (the only set-up step)
	$(GO) mod download

build: ## build the Pulumi program, the CLI and the policy-pack analyzer into bin/
	$(GO) build -o bin/odoo-hosting-program .
	$(GO) build -o bin/odoo-hosting ./cmd/odoo-hosting
	$(GO) build -o bin/pulumi-analyzer-policy-odoo-hosting ./cmd/pulumi-analyzer-policy-odoo-hosting

test: ## run every test (unit, components under mocks, golden plans, policy cases)
	$(GO) test -count=1 ./...

lint: ## gofmt check, go vet and golangci-lint (.golangci.yml)
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	@test -x $(TOOLS)/golangci-lint || GOBIN=$(TOOLS) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VERSION)
	$(TOOLS)/golangci-lint run ./...

plan: ## plan $(STACK) offline (no cloud, no credentials) and print preview JSON
	@$(GO) run ./cmd/odoo-hosting plan --config $(STACK)

check: ## plan $(STACK) offline and judge the plan with the policy pack
	@$(GO) run ./cmd/odoo-hosting plan --config $(STACK) | $(GO) run ./cmd/odoo-hosting check -

golden: ## regenerate the golden plans and their inventories under tests/testdata/golden
	$(GO) test ./tests/ -run TestGoldenPlans -update

bench: ## print the benchmark figures (validation, planning, policy evaluation)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 3x ./tests/ ./policies/... ./components/network/

bench-opa: ## the residency rules in Go against the same rules in Rego under OPA, as a ratio, and `check` on a 10,000-resource preview (goal: under 100 ms)
	$(GO) test -tags opa -run '^$$' -bench . -benchtime 5x ./policies/opabench/
	$(GO) test -run '^$$' -bench 'Read10k|Evaluate10k|Check10k' -benchtime 10x ./policies/

mutation: ## mutation testing (conditionals) of the policy core (gremlins); fails under MUTATION_FLOOR % efficacy
	@test -x $(TOOLS)/gremlins || GOBIN=$(TOOLS) $(GO) install github.com/go-gremlins/gremlins/cmd/gremlins@$(GREMLINS_VERSION)
	$(TOOLS)/gremlins unleash --tags mutation --arithmetic-base=false --increment-decrement=false --invert-negatives=false \
		--workers 2 --test-cpu 1 --threshold-efficacy $(MUTATION_FLOOR) \
		-E 'input/' -E 'pack/' -E 'check/' -E 'output/' -E 'opabench/' -E 'internal/' ./policies

fuzz: ## fuzz configuration loading and the preview reader for 60 s each
	$(GO) test ./tests/ -run '^$$' -fuzz FuzzDecodeAndValidate -fuzztime 60s
	$(GO) test ./policies/input/ -run '^$$' -fuzz FuzzRead -fuzztime 60s

up: ## deploy $(STACK) with the real engine, the policy pack and the simulated providers (local backend .engine/)
	bash tools/engine.sh up $(STACK)

preview: ## preview $(STACK) with the real engine and the policy pack (simulated providers)
	bash tools/engine.sh preview $(STACK)

destroy: ## destroy $(STACK) on the local backend; data resources are retained (production: pulumi state unprotect first)
	bash tools/engine.sh destroy $(STACK)

refresh: ## refresh $(STACK) from the simulated cloud
	bash tools/engine.sh refresh $(STACK)

e2e: ## every example under the real engine: preview, up, export, no-op preview, update, refusals, variants, destroy
	bash tests/e2e/run.sh

bench-engine: ## preview/up/destroy wall time per example, the pack's overhead, resources per second
	bash tests/e2e/bench.sh

actionlint: ## check .github/workflows with actionlint $(ACTIONLINT_VERSION)
	@test -x $(TOOLS)/actionlint || GOBIN=$(TOOLS) $(GO) install github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION)
	$(TOOLS)/actionlint

pack: ## build the policy-pack analyzer for `pulumi preview --policy-pack`
	$(GO) build -o bin/pulumi-analyzer-policy-odoo-hosting ./cmd/pulumi-analyzer-policy-odoo-hosting

clean: ## remove build output and the local engine state (.engine/)
	rm -rf bin .engine
