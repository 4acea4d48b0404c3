# awsqlite — see README.md.
GO      ?= go
PKGS    := ./...
# The main job: who has console access without MFA, per account and OU, across
# every account of the organization.
DEMO_SQL ?= select a.ou_path, a.name as account, count(*) as users, sum(1 - u.mfa_enabled) as without_mfa, sum(u.login_profile is not null) as console_users from aws_iam_user u join aws_organizations_account a on a.id = u.account_id group by 1, 2 order by 1, 2

.PHONY: build test bench lint demo clean

build:
	$(GO) build -o bin/awsqlite ./cmd/awsqlite

# Unit, end-to-end (internal/awsfake over HTTP) and integration (moto_server)
# tests. Under CI=true a missing moto_server fails the integration tests.
test: lint
	$(GO) test -count=1 -timeout 20m $(PKGS)

# Benchmarks print measured figures (API calls, wall time, ratios).
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 3x $(PKGS)

lint:
	$(GO) vet $(PKGS)
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# The main job on the embedded demo organization.
demo:
	$(GO) run ./cmd/awsqlite --demo query "$(DEMO_SQL)"

clean:
	rm -rf bin
