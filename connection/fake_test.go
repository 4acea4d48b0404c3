package connection

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeAWS is a minimal STS (Query/XML) and Organizations (JSON 1.1)
// endpoint for this package's tests. The access key of the SigV4
// Authorization header selects the caller's account.
type fakeAWS struct {
	t   *testing.T
	srv *httptest.Server

	mu         sync.Mutex
	keys       map[string]string // access key -> account
	secrets    []string          // every secret and token handed out
	externalID string
	denyAssume map[string]bool // accounts whose role cannot be assumed
	mgmt       string
	ous        map[string][]fakeOU      // parent -> child OUs
	accounts   map[string][]fakeAccount // parent -> accounts
	calls      map[string]int           // "Op" and "AssumeRole <arn>"
	maxResults []string
	n          int
}

type fakeOU struct{ ID, Name string }

type fakeAccount struct{ ID, Name, Status string }

const (
	baseKey    = "AKIAFAKEBASE00000001"
	baseSecret = "base-secret-value-do-not-leak"
	fakeExtID  = "ext-Xk29fPq1"
)

func newFakeAWS(t *testing.T) *fakeAWS {
	f := &fakeAWS{
		t:          t,
		keys:       map[string]string{baseKey: "999999999999"},
		secrets:    []string{baseSecret},
		externalID: fakeExtID,
		denyAssume: map[string]bool{},
		mgmt:       "111111111111",
		calls:      map[string]int{},
		ous: map[string][]fakeOU{
			"r-root": {{"ou-eng", "Engineering"}, {"ou-sbx", "Sandbox"}},
			"ou-eng": {{"ou-prod", "Prod"}},
		},
		accounts: map[string][]fakeAccount{
			"r-root":  {{"111111111111", "Management", "ACTIVE"}},
			"ou-prod": {{"222222222222", "Prod", "ACTIVE"}, {"333333333333", "prod", "ACTIVE"}},
			"ou-sbx":  {{"444444444444", "Sandbox", "ACTIVE"}, {"555555555555", "Closed", "SUSPENDED"}},
		},
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAWS) count(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[key]
}

func (f *fakeAWS) allSecrets() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.secrets...)
}

var credRE = regexp.MustCompile(`Credential=([^/]+)/`)

func (f *fakeAWS) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	m := credRE.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		http.Error(w, "unsigned", http.StatusForbidden)
		return
	}
	caller, ok := f.keys[m[1]]
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		op := target[strings.LastIndex(target, ".")+1:]
		f.calls[op]++
		if !ok {
			f.jsonErr(w, "UnrecognizedClientException", "The security token included in the request is invalid.")
			return
		}
		f.orgs(w, caller, op, body)
		return
	}
	form, _ := url.ParseQuery(string(body))
	op := form.Get("Action")
	f.calls[op]++
	if !ok {
		f.xmlErr(w, 403, "InvalidClientTokenId", "The security token included in the request is invalid.")
		return
	}
	switch op {
	case "GetCallerIdentity":
		fmt.Fprintf(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::%s:user/u</Arn><UserId>AIDAFAKE</UserId><Account>%s</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`, caller, caller)
	case "AssumeRole":
		roleARN := form.Get("RoleArn")
		f.calls["AssumeRole "+roleARN]++
		account := strings.Split(roleARN, ":")[4]
		if form.Get("ExternalId") != f.externalID || f.denyAssume[account] {
			f.xmlErr(w, 403, "AccessDenied", fmt.Sprintf("User: arn:aws:sts::%s:assumed-role/x is not authorized to perform: sts:AssumeRole on resource: %s", caller, roleARN))
			return
		}
		f.n++
		key := fmt.Sprintf("ASIAFAKE%012d", f.n)
		secret := fmt.Sprintf("assumed-secret-%d-do-not-leak", f.n)
		token := fmt.Sprintf("session-token-%d-do-not-leak", f.n)
		f.keys[key] = account
		f.secrets = append(f.secrets, secret, token)
		var sb strings.Builder
		_ = xml.EscapeText(&sb, []byte(roleARN))
		fmt.Fprintf(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey><SessionToken>%s</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><Arn>%s</Arn><AssumedRoleId>AROAFAKE:s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`, key, secret, token, sb.String())
	default:
		f.xmlErr(w, 400, "InvalidAction", "unknown action "+op)
	}
}

func (f *fakeAWS) xmlErr(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	var sb strings.Builder
	_ = xml.EscapeText(&sb, []byte(msg))
	fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>1</RequestId></ErrorResponse>`, code, sb.String())
}

func (f *fakeAWS) jsonErr(w http.ResponseWriter, code, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(400)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": msg})
}

func (f *fakeAWS) orgs(w http.ResponseWriter, caller, op string, body []byte) {
	if caller != f.mgmt {
		f.jsonErr(w, "AccessDeniedException", "You don't have permissions to access this resource.")
		return
	}
	var in struct {
		ParentId   string
		NextToken  string
		MaxResults *int
	}
	_ = json.Unmarshal(body, &in)
	if in.MaxResults != nil {
		f.maxResults = append(f.maxResults, op+"="+strconv.Itoa(*in.MaxResults))
	}
	size := 20
	if in.MaxResults != nil {
		size = *in.MaxResults
	}
	start, _ := strconv.Atoi(in.NextToken)
	page := func(n int) (int, string) {
		end := start + size
		if end >= n {
			return n, ""
		}
		return end, strconv.Itoa(end)
	}
	var out map[string]any
	switch op {
	case "ListRoots":
		out = map[string]any{"Roots": []map[string]string{{"Id": "r-root", "Name": "Root"}}}
	case "ListOrganizationalUnitsForParent":
		all := f.ous[in.ParentId]
		end, next := page(len(all))
		var items []map[string]string
		for _, ou := range all[start:end] {
			items = append(items, map[string]string{"Id": ou.ID, "Name": ou.Name})
		}
		out = map[string]any{"OrganizationalUnits": items}
		if next != "" {
			out["NextToken"] = next
		}
	case "ListAccountsForParent":
		all := f.accounts[in.ParentId]
		end, next := page(len(all))
		var items []map[string]string
		for _, a := range all[start:end] {
			items = append(items, map[string]string{"Id": a.ID, "Name": a.Name, "Status": a.Status, "State": a.Status})
		}
		out = map[string]any{"Accounts": items}
		if next != "" {
			out["NextToken"] = next
		}
	default:
		f.jsonErr(w, "InvalidAction", "unknown operation "+op)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(out)
}
