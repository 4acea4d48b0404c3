// Package iampolicy builds the least-privilege IAM policy that a set of
// tables needs, from the IAM actions their specs declare, and the
// CloudFormation templates that create the delegated role awsqlite assumes.
package iampolicy
