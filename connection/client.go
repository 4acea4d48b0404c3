package connection

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/directoryservice"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awsqlite/awsqlite/vtab"
)

// Client is the handle of one target (connection and region): typed,
// cached service clients. IAM and Organizations are always called in
// us-east-1; the other services in the target's region (the connection's
// default region for a "global" target).
type Client struct {
	m         *Manager
	c         *conn
	region    string
	accountID string
}

// ClientOf returns the *Client of a target built by a Manager.
func ClientOf(t vtab.Target) (*Client, error) {
	c, ok := t.Handle.(*Client)
	if !ok || c == nil {
		return nil, fmt.Errorf("target %s/%s: handle %T is not a *connection.Client", t.Connection, t.Region, t.Handle)
	}
	return c, nil
}

// Connection returns the connection name.
func (c *Client) Connection() string { return c.c.name }

// AccountID returns the account the connection acts in.
func (c *Client) AccountID() string { return c.accountID }

// Region returns the target region ("global" for global targets).
func (c *Client) Region() string { return c.region }

// service returns the cached client of a service. Building a client makes
// no API call; when the connection's config cannot be loaded (an unknown
// profile) it returns a client whose every call fails with that error.
func service[T any](c *Client, name string, mk func(aws.Config) T, broken func(error) T) T {
	v, err := c.m.client(context.Background(), c.c, c.region, name, func(cfg aws.Config) any { return mk(cfg) })
	if err != nil {
		return broken(err)
	}
	return v.(T)
}

// brokenConfig is a config whose every call fails with err.
func brokenConfig(err error) aws.Config {
	return aws.Config{
		Region:      globalAPIRegion,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return aws.Credentials{}, err }),
	}
}

// IAM returns the IAM client (us-east-1).
func (c *Client) IAM() *iam.Client {
	return service(c, "iam", func(cfg aws.Config) *iam.Client { return iam.NewFromConfig(cfg) },
		func(err error) *iam.Client { return iam.NewFromConfig(brokenConfig(err)) })
}

// Organizations returns the Organizations client (us-east-1).
func (c *Client) Organizations() *organizations.Client {
	return service(c, "organizations", func(cfg aws.Config) *organizations.Client { return organizations.NewFromConfig(cfg) },
		func(err error) *organizations.Client { return organizations.NewFromConfig(brokenConfig(err)) })
}

// STS returns the STS client.
func (c *Client) STS() *sts.Client {
	return service(c, "sts", func(cfg aws.Config) *sts.Client { return sts.NewFromConfig(cfg) },
		func(err error) *sts.Client { return sts.NewFromConfig(brokenConfig(err)) })
}

// Cognito returns the Cognito user pools client.
func (c *Client) Cognito() *cognitoidentityprovider.Client {
	return service(c, "cognito-idp", func(cfg aws.Config) *cognitoidentityprovider.Client {
		return cognitoidentityprovider.NewFromConfig(cfg)
	},
		func(err error) *cognitoidentityprovider.Client {
			return cognitoidentityprovider.NewFromConfig(brokenConfig(err))
		})
}

// Connect returns the Amazon Connect client.
func (c *Client) Connect() *connect.Client {
	return service(c, "connect", func(cfg aws.Config) *connect.Client { return connect.NewFromConfig(cfg) },
		func(err error) *connect.Client { return connect.NewFromConfig(brokenConfig(err)) })
}

// DirectoryService returns the Directory Service client.
func (c *Client) DirectoryService() *directoryservice.Client {
	return service(c, "directoryservice", func(cfg aws.Config) *directoryservice.Client { return directoryservice.NewFromConfig(cfg) },
		func(err error) *directoryservice.Client { return directoryservice.NewFromConfig(brokenConfig(err)) })
}

// IdentityStore returns the IAM Identity Center identity store client.
func (c *Client) IdentityStore() *identitystore.Client {
	return service(c, "identitystore", func(cfg aws.Config) *identitystore.Client { return identitystore.NewFromConfig(cfg) },
		func(err error) *identitystore.Client { return identitystore.NewFromConfig(brokenConfig(err)) })
}

// SSOAdmin returns the IAM Identity Center admin client.
func (c *Client) SSOAdmin() *ssoadmin.Client {
	return service(c, "ssoadmin", func(cfg aws.Config) *ssoadmin.Client { return ssoadmin.NewFromConfig(cfg) },
		func(err error) *ssoadmin.Client { return ssoadmin.NewFromConfig(brokenConfig(err)) })
}

// CloudTrail returns the CloudTrail client.
func (c *Client) CloudTrail() *cloudtrail.Client {
	return service(c, "cloudtrail", func(cfg aws.Config) *cloudtrail.Client { return cloudtrail.NewFromConfig(cfg) },
		func(err error) *cloudtrail.Client { return cloudtrail.NewFromConfig(brokenConfig(err)) })
}

// EC2 returns the EC2 client.
func (c *Client) EC2() *ec2.Client {
	return service(c, "ec2", func(cfg aws.Config) *ec2.Client { return ec2.NewFromConfig(cfg) },
		func(err error) *ec2.Client { return ec2.NewFromConfig(brokenConfig(err)) })
}

// CloudFormation returns the CloudFormation client.
func (c *Client) CloudFormation() *cloudformation.Client {
	return service(c, "cloudformation", func(cfg aws.Config) *cloudformation.Client { return cloudformation.NewFromConfig(cfg) },
		func(err error) *cloudformation.Client { return cloudformation.NewFromConfig(brokenConfig(err)) })
}
