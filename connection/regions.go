package connection

import (
	"path"
	"strings"
)

// Regions lists the AWS commercial regions that region globs expand
// against, in a stable order.
var Regions = []string{
	"us-east-1", "us-east-2", "us-west-1", "us-west-2",
	"af-south-1",
	"ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2",
	"ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
	"ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
	"ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ca-central-1", "ca-west-1",
	"eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3",
	"eu-south-1", "eu-south-2", "eu-north-1",
	"il-central-1",
	"me-south-1", "me-central-1",
	"mx-central-1",
	"sa-east-1",
}

// GlobalRegion is the region of global (IAM) and organization targets.
const GlobalRegion = "global"

// globalAPIRegion is where the global services (IAM, Organizations) are
// called.
const globalAPIRegion = "us-east-1"

func isGlob(s string) bool { return strings.ContainsAny(s, "*?[") }

// ExpandRegions expands region names and glob patterns ("eu-*") against
// Regions. Literal names are kept even when unknown (new regions, emulators).
// The result is deduplicated and keeps the order of first appearance.
func ExpandRegions(patterns []string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(r string) {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	for _, p := range patterns {
		if !isGlob(p) {
			add(p)
			continue
		}
		for _, r := range Regions {
			if ok, err := path.Match(p, r); err == nil && ok {
				add(r)
			}
		}
	}
	return out
}
