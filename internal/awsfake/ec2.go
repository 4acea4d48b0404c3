package awsfake

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Instance is one EC2 instance.
type Instance struct {
	ID               string // i-...; generated when empty
	Type             string // t3.micro when empty
	State            string // running when empty
	ImageID          string
	KeyName          string
	PrivateIP        string
	PublicIP         string
	VpcID            string
	SubnetID         string
	AvailabilityZone string
	Architecture     string
	LaunchTime       time.Time
	ProfileARN       string // IAM instance profile
	ProfileID        string
	Tags             []Tag
	UserData         string // plain text; base64-encoded on the wire
	reservation      string
}

// EC2State is the EC2 state of one account, by region.
type EC2State struct {
	s        *Server
	acct     *Account
	byRegion map[string][]*Instance
}

// EC2Of returns the EC2 state of an account.
func EC2Of(a *Account) *EC2State {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	return ec2Of(a)
}

func ec2Of(a *Account) *EC2State {
	return ExtOf(a.Ext, "ec2", func() *EC2State {
		return &EC2State{s: a.s, acct: a, byRegion: map[string][]*Instance{}}
	})
}

// AddInstance launches inst in region (in its own reservation), filling
// the fields left empty, and returns it.
func (e *EC2State) AddInstance(region string, inst Instance) *Instance {
	e.s.mu.Lock()
	defer e.s.mu.Unlock()
	n := len(e.byRegion[region])
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&inst.ID, "i-"+e.s.randStr(hexDigits, 17))
	def(&inst.Type, "t3.micro")
	def(&inst.State, "running")
	def(&inst.ImageID, "ami-"+e.s.randStr(hexDigits, 17))
	def(&inst.PrivateIP, fmt.Sprintf("10.0.1.%d", 10+n))
	def(&inst.VpcID, "vpc-0a1b2c3d4e5f60001")
	def(&inst.SubnetID, "subnet-0a1b2c3d4e5f60001")
	def(&inst.AvailabilityZone, region+"a")
	def(&inst.Architecture, "x86_64")
	if inst.LaunchTime.IsZero() {
		inst.LaunchTime = e.s.nextDate()
	}
	if inst.ProfileARN != "" && inst.ProfileID == "" {
		inst.ProfileID = "AIPA" + e.s.randStr(upperB32, 17)
	}
	inst.reservation = "r-" + e.s.randStr(hexDigits, 17)
	p := &inst
	e.byRegion[region] = append(e.byRegion[region], p)
	return p
}

// Instances returns the instances of a region.
func (e *EC2State) Instances(region string) []*Instance {
	e.s.mu.Lock()
	defer e.s.mu.Unlock()
	return append([]*Instance(nil), e.byRegion[region]...)
}

var ec2StateCodes = map[string]int{"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80}

// formList returns prefix.1, prefix.2, ... from a Query form.
func formList(c *Ctx, prefix string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := c.Form[prefix+"."+strconv.Itoa(i)]
		if !ok || len(v) == 0 {
			return out
		}
		out = append(out, v[0])
	}
}

func (inst *Instance) filterValues(name string) ([]string, bool) {
	switch name {
	case "instance-state-name":
		return []string{inst.State}, true
	case "instance-type":
		return []string{inst.Type}, true
	case "instance-id":
		return []string{inst.ID}, true
	case "vpc-id":
		return []string{inst.VpcID}, true
	case "subnet-id":
		return []string{inst.SubnetID}, true
	case "image-id":
		return []string{inst.ImageID}, true
	case "key-name":
		return []string{inst.KeyName}, true
	case "iam-instance-profile.arn":
		return []string{inst.ProfileARN}, true
	}
	if k, ok := strings.CutPrefix(name, "tag:"); ok {
		for _, t := range inst.Tags {
			if t.Key == k {
				return []string{t.Value}, true
			}
		}
		return nil, true
	}
	return nil, false
}

func (s *Server) registerEC2() {
	s.handleQuery("ec2", "DescribeInstances", func(c *Ctx) ([]*X, error) {
		ids := formList(c, "InstanceId")
		c.Param("InstanceIds", strings.Join(ids, ","))
		maxStr := c.Form.Get("MaxResults")
		if len(ids) > 0 && maxStr != "" {
			return nil, Errorf(400, "InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults")
		}
		size := 0 // everything, unpaginated
		if maxStr != "" {
			n, err := strconv.Atoi(maxStr)
			if err != nil || n < 5 || n > 1000 {
				return nil, Errorf(400, "InvalidParameterValue", "Value ( %s ) for parameter maxResults is invalid. Expecting a value greater than 5.", maxStr)
			}
			size = n
		}
		type filter struct {
			name   string
			values []string
		}
		var filters []filter
		for i := 1; ; i++ {
			name := c.Form.Get(fmt.Sprintf("Filter.%d.Name", i))
			if name == "" {
				break
			}
			f := filter{name: name, values: formList(c, fmt.Sprintf("Filter.%d.Value", i))}
			c.Param("Filter."+name, strings.Join(f.values, ","))
			filters = append(filters, f)
		}
		all := ec2Of(c.Account).byRegion[c.Region]
		var sel []*Instance
		for _, id := range ids {
			if !strings.HasPrefix(id, "i-") {
				return nil, Errorf(400, "InvalidInstanceID.Malformed", "Invalid id: \"%s\"", id)
			}
			var found *Instance
			for _, inst := range all {
				if inst.ID == id {
					found = inst
				}
			}
			if found == nil {
				return nil, Errorf(400, "InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", id)
			}
			sel = append(sel, found)
		}
		if len(ids) == 0 {
			sel = all
		}
		var matched []*Instance
	outer:
		for _, inst := range sel {
			for _, f := range filters {
				have, known := inst.filterValues(f.name)
				if !known {
					return nil, Errorf(400, "InvalidParameterValue", "The filter '%s' is invalid", f.name)
				}
				ok := false
				for _, h := range have {
					for _, w := range f.values {
						ok = ok || h == w
					}
				}
				if !ok {
					continue outer
				}
			}
			matched = append(matched, inst)
		}
		start, end, next := 0, len(matched), ""
		if size > 0 {
			var ok bool
			if start, end, next, ok = Page(len(matched), c.Form.Get("NextToken"), size); !ok {
				return nil, Errorf(400, "InvalidParameterValue", "The value supplied for parameter 'nextToken' is not valid.")
			}
		}
		var res []*X
		for _, inst := range matched[start:end] {
			res = append(res, El("item",
				T("reservationId", inst.reservation), T("ownerId", c.Account.ID), El("groupSet"),
				List("instancesSet", "item", []*X{inst.xml()})))
		}
		return []*X{List("reservationSet", "item", res), TOpt("nextToken", next)}, nil
	})
}

func (s *Server) registerEC2Attributes() {
	s.handleQuery("ec2", "DescribeInstanceAttribute", func(c *Ctx) ([]*X, error) {
		id, attr := c.Form.Get("InstanceId"), c.Form.Get("Attribute")
		var inst *Instance
		for _, x := range ec2Of(c.Account).byRegion[c.Region] {
			if x.ID == id {
				inst = x
			}
		}
		if inst == nil {
			return nil, Errorf(400, "InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", id)
		}
		out := []*X{T("instanceId", id)}
		switch attr {
		case "userData":
			if inst.UserData == "" {
				out = append(out, El("userData"))
			} else {
				out = append(out, El("userData", T("value", base64.StdEncoding.EncodeToString([]byte(inst.UserData)))))
			}
		case "instanceType":
			out = append(out, El("instanceType", T("value", inst.Type)))
		case "disableApiTermination":
			out = append(out, El("disableApiTermination", Bool("value", false)))
		default:
			return nil, Errorf(400, "InvalidParameterValue", "Value (%s) for parameter attribute is invalid. Unknown attribute.", attr)
		}
		return out, nil
	})
}

func (inst *Instance) xml() *X {
	var tags []*X
	for _, t := range inst.Tags {
		tags = append(tags, El("item", T("key", t.Key), T("value", t.Value)))
	}
	var profile *X
	if inst.ProfileARN != "" {
		profile = El("iamInstanceProfile", T("arn", inst.ProfileARN), T("id", inst.ProfileID))
	}
	dns := "ip-" + strings.ReplaceAll(inst.PrivateIP, ".", "-") + ".ec2.internal"
	return El("item",
		T("instanceId", inst.ID), T("imageId", inst.ImageID),
		El("instanceState", Int("code", ec2StateCodes[inst.State]), T("name", inst.State)),
		T("privateDnsName", dns), T("dnsName", ""), TOpt("keyName", inst.KeyName), Int("amiLaunchIndex", 0),
		T("instanceType", inst.Type), TimeEl("launchTime", inst.LaunchTime),
		El("placement", T("availabilityZone", inst.AvailabilityZone), T("tenancy", "default")),
		El("monitoring", T("state", "disabled")), T("subnetId", inst.SubnetID), T("vpcId", inst.VpcID),
		T("privateIpAddress", inst.PrivateIP), TOpt("ipAddress", inst.PublicIP),
		List("groupSet", "item", []*X{El("item", T("groupId", "sg-0123456789abcdef0"), T("groupName", "default"))}),
		T("architecture", inst.Architecture), T("rootDeviceType", "ebs"), T("rootDeviceName", "/dev/xvda"),
		T("virtualizationType", "hvm"), T("hypervisor", "xen"), profile,
		List("tagSet", "item", tags),
	)
}

func init() {
	RegisterService((*Server).registerEC2)
	RegisterService((*Server).registerEC2Attributes)
}
