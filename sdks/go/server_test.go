package arcan

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// The suite runs against a real Arcan server: the one named by ARCAN_TEST_ADDR,
// ARCAN_TEST_TOKEN and ARCAN_TEST_CACERT (test/sdks/go.test.ts sets them), or else one it
// starts itself with the repository's launcher (test/helpers/launch.ts).
var testServer struct {
	URL, Token, CACert string
	ready              bool
	reason             string
}

func TestMain(m *testing.M) {
	stop := startTestServer()
	code := m.Run()
	stop()
	os.Exit(code)
}

func startTestServer() func() {
	if addr := os.Getenv("ARCAN_TEST_ADDR"); addr != "" {
		testServer.URL, testServer.Token, testServer.CACert = addr, os.Getenv("ARCAN_TEST_TOKEN"), os.Getenv("ARCAN_TEST_CACERT")
		testServer.ready = true
		return func() {}
	}
	root, _ := filepath.Abs("../..")
	launcher := filepath.Join(root, "test/helpers/launch.ts")
	if _, err := os.Stat(launcher); err != nil {
		testServer.reason = "no Arcan server: set ARCAN_TEST_ADDR, ARCAN_TEST_TOKEN and ARCAN_TEST_CACERT, or run inside the Arcan repository"
		return func() {}
	}
	cmd := exec.Command("node", "--import", "tsx", launcher)
	cmd.Dir = root
	cmd.Stderr = os.Stderr
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "starting the Arcan launcher:", err)
		os.Exit(1)
	}
	var info struct {
		URL    string `json:"url"`
		Token  string `json:"token"`
		CACert string `json:"ca_cert"`
	}
	line, err := bufio.NewReader(stdout).ReadBytes('\n')
	if err != nil || json.Unmarshal(line, &info) != nil {
		fmt.Fprintf(os.Stderr, "the Arcan launcher printed no server: %v %s\n", err, line)
		os.Exit(1)
	}
	testServer.URL, testServer.Token, testServer.CACert, testServer.ready = info.URL, info.Token, info.CACert, true
	return func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
		}
	}
}

// admin returns a client with the server's admin token, trusting its certificate.
func admin(t *testing.T, opts ...Option) *Client {
	t.Helper()
	return as(t, testServer.Token, opts...)
}

func as(t *testing.T, token string, opts ...Option) *Client {
	t.Helper()
	if !testServer.ready {
		t.Skip(testServer.reason)
	}
	pem, err := os.ReadFile(testServer.CACert)
	if err != nil {
		t.Fatalf("reading the server's certificate: %v", err)
	}
	return NewClient(testServer.URL, append([]Option{WithToken(token), WithCACert(pem)}, opts...)...)
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// realm creates a realm with a name unique to this run.
func newRealm(t *testing.T, c *Client, prefix string) string {
	t.Helper()
	name := fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano()%1_000_000_000)
	if _, err := c.Realms.Create(testContext(t), CreateRealmRequest{Name: name}); err != nil {
		t.Fatalf("creating realm %s: %v", name, err)
	}
	return name
}

// problem asserts err is an *Error with the status (and code, when not empty).
func problem(t *testing.T, err error, status int, code string) *Error {
	t.Helper()
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("want an *arcan.Error %d %s, got %T %v", status, code, err, err)
	}
	if e.Status != status || (code != "" && e.Code != code) {
		t.Fatalf("want %d %s, got %d %s: %s", status, code, e.Status, e.Code, e.Detail)
	}
	if status > 0 && (e.RequestID == "" || e.Title == "" || e.Detail == "") {
		t.Fatalf("problem details incomplete: %+v", e)
	}
	return e
}

// raw calls an endpoint the facades do not wrap (engine mounts, agents) for test setup.
func raw(ctx context.Context, c *Client, method, path string, body, out any) error {
	return c.do(ctx, request{op: &operation{Facade: "test " + method + " " + path, Method: method, Path: path}, json: body}, out)
}
