package awsfake

import (
	"encoding/json"
	"fmt"
	"time"
)

// Directory is one AWS Directory Service directory.
type Directory struct {
	ID          string // d-xxxxxxxxxx
	Name        string // fully qualified domain name
	ShortName   string
	Type        string // MicrosoftAD | SimpleAD | ADConnector | SharedMicrosoftAD
	Edition     string // Standard | Enterprise (MicrosoftAD only)
	Size        string // Small | Large (SimpleAD, ADConnector)
	Stage       string // Active | Creating | ...
	Alias       string
	AccessURL   string
	Description string
	DNSIPAddrs  []string
	LaunchTime  time.Time
	VpcID       string
	SubnetIDs   []string
	SSOEnabled  bool
	Tags        []Tag
}

// DirectoryState is the Directory Service state of one account, by region.
type DirectoryState struct {
	s        *Server
	acct     *Account
	byRegion map[string][]*Directory
}

// DirectoryOf returns the Directory Service state of an account.
func DirectoryOf(a *Account) *DirectoryState {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	return directoryOf(a)
}

func directoryOf(a *Account) *DirectoryState {
	return ExtOf(a.Ext, "ds", func() *DirectoryState {
		return &DirectoryState{s: a.s, acct: a, byRegion: map[string][]*Directory{}}
	})
}

// AddDirectory creates an Active directory named name (a domain such as
// corp.example.com) of type typ in region.
func (d *DirectoryState) AddDirectory(region, name, typ string) *Directory {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	short := name
	for i, r := range name {
		if r == '.' {
			short = name[:i]
			break
		}
	}
	dir := &Directory{
		ID: "d-" + d.s.randStr("0123456789abcdef", 10), Name: name, ShortName: short, Type: typ,
		Stage: "Active", LaunchTime: d.s.nextDate(),
		VpcID:     "vpc-" + d.s.randStr("0123456789abcdef", 17),
		SubnetIDs: []string{"subnet-" + d.s.randStr("0123456789abcdef", 17), "subnet-" + d.s.randStr("0123456789abcdef", 17)},
	}
	dir.Alias = dir.ID
	dir.AccessURL = dir.ID + ".awsapps.com"
	dir.DNSIPAddrs = []string{fmt.Sprintf("10.0.%d.10", len(d.byRegion[region])), fmt.Sprintf("10.0.%d.20", len(d.byRegion[region]))}
	switch typ {
	case "MicrosoftAD":
		dir.Edition = "Standard"
	default:
		dir.Size = "Small"
	}
	d.byRegion[region] = append(d.byRegion[region], dir)
	return dir
}

// Directories returns the directories of a region.
func (d *DirectoryState) Directories(region string) []*Directory {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	return append([]*Directory(nil), d.byRegion[region]...)
}

// dsPageSize is the most directories DescribeDirectories returns per call.
const dsPageSize = 100

const dsPrefix = "DirectoryService_20150416"

func (s *Server) registerDirectoryService() {
	s.handleJSON(dsPrefix, "DescribeDirectories", func(c *Ctx, raw json.RawMessage) (any, error) {
		var in struct {
			DirectoryIds []string
			Limit        *int
			NextToken    string
		}
		if err := c.Decode(raw, &in); err != nil {
			return nil, err
		}
		st := directoryOf(c.Account)
		dirs := st.byRegion[c.Region]
		if len(in.DirectoryIds) > 0 {
			c.Param("DirectoryIds", fmt.Sprint(in.DirectoryIds))
			var sel []*Directory
			for _, id := range in.DirectoryIds {
				var found *Directory
				for _, d := range dirs {
					if d.ID == id {
						found = d
					}
				}
				if found == nil {
					return nil, Errorf(400, "EntityDoesNotExistException", "Directory %s does not exist.", id)
				}
				sel = append(sel, found)
			}
			dirs = sel
		}
		size := dsPageSize
		if in.Limit != nil {
			if *in.Limit < 0 {
				return nil, Errorf(400, "InvalidParameterException", "Limit must be non-negative.")
			}
			if *in.Limit > 0 && *in.Limit < size {
				size = *in.Limit
			}
		}
		start, end, next, ok := Page(len(dirs), in.NextToken, size)
		if !ok {
			return nil, Errorf(400, "InvalidNextTokenException", "The NextToken value is not valid.")
		}
		out := make([]map[string]any, 0, end-start)
		for _, d := range dirs[start:end] {
			out = append(out, d.wire(c.Account.ID, c.Region))
		}
		res := map[string]any{"DirectoryDescriptions": out}
		if next != "" {
			res["NextToken"] = next
		}
		return res, nil
	})
	s.handleJSON(dsPrefix, "ListTagsForResource", func(c *Ctx, raw json.RawMessage) (any, error) {
		var in struct {
			ResourceId string
			Limit      *int
			NextToken  string
		}
		if err := c.Decode(raw, &in); err != nil {
			return nil, err
		}
		for _, d := range directoryOf(c.Account).byRegion[c.Region] {
			if d.ID != in.ResourceId {
				continue
			}
			size := 50
			if in.Limit != nil && *in.Limit > 0 && *in.Limit < size {
				size = *in.Limit
			}
			start, end, next, ok := Page(len(d.Tags), in.NextToken, size)
			if !ok {
				return nil, Errorf(400, "InvalidNextTokenException", "The NextToken value is not valid.")
			}
			tags := make([]map[string]string, 0, end-start)
			for _, t := range d.Tags[start:end] {
				tags = append(tags, map[string]string{"Key": t.Key, "Value": t.Value})
			}
			res := map[string]any{"Tags": tags}
			if next != "" {
				res["NextToken"] = next
			}
			return res, nil
		}
		return nil, Errorf(400, "EntityDoesNotExistException", "Resource %s does not exist.", in.ResourceId)
	})
}

func (d *Directory) wire(account, region string) map[string]any {
	m := map[string]any{
		"DirectoryId": d.ID, "Name": d.Name, "ShortName": d.ShortName, "Type": d.Type,
		"Stage": d.Stage, "Alias": d.Alias, "AccessUrl": d.AccessURL, "DnsIpAddrs": d.DNSIPAddrs,
		"LaunchTime": Epoch(d.LaunchTime), "StageLastUpdatedDateTime": Epoch(d.LaunchTime),
		"SsoEnabled": d.SSOEnabled,
	}
	if d.Description != "" {
		m["Description"] = d.Description
	}
	if d.Edition != "" {
		m["Edition"] = d.Edition
	}
	if d.Size != "" {
		m["Size"] = d.Size
	}
	if d.Type == "MicrosoftAD" {
		m["DesiredNumberOfDomainControllers"] = 2
	}
	vpc := map[string]any{"VpcId": d.VpcID, "SubnetIds": d.SubnetIDs, "SecurityGroupId": "sg-" + d.ID[2:] + "0000000",
		"AvailabilityZones": []string{region + "a", region + "b"}}
	if d.Type == "ADConnector" {
		m["ConnectSettings"] = vpc
	} else {
		m["VpcSettings"] = vpc
	}
	m["RegionsInfo"] = map[string]any{"PrimaryRegion": region, "AdditionalRegions": []string{}}
	return m
}

func init() { RegisterService((*Server).registerDirectoryService) }
