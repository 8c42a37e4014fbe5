package arcan_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	arcan "github.com/getarcan/arcan-go"
)

// The seed's snippet: read a secret, lease database credentials, revoke them when done.
func Example() {
	ctx := context.Background()
	client := arcan.NewClient("https://arcan.example.com", arcan.WithToken("arc_xxx"))
	secret, err := client.KV.Get(ctx, "DATABASE_URL", arcan.InRealm("myapp"))
	if err != nil {
		log.Fatal(err)
	}
	creds, err := client.Lease.Create(ctx, "postgres", "readonly", arcan.WithTTL(1*time.Hour), arcan.InRealm("myapp"))
	if err != nil {
		log.Fatal(err)
	}
	defer client.Lease.Revoke(ctx, creds.LeaseID, arcan.InRealm("myapp"))
	fmt.Println(secret.Version, creds.Credentials["username"])
}

func ExampleNewClient() {
	pem, err := os.ReadFile("data/tls.crt") // the server's self-signed certificate
	if err != nil {
		log.Fatal(err)
	}
	client := arcan.NewClient("https://localhost:8443",
		arcan.WithToken(os.Getenv("ARCAN_TOKEN")),
		arcan.WithCACert(pem),
		arcan.WithRealm("myapp"),
		arcan.WithTimeout(10*time.Second),
		arcan.WithRetry(3, 10*time.Second), // on 429, wait as Retry-After says
	)
	_ = client
}

func ExampleFromEnv() {
	// ARCAN_ADDR, ARCAN_TOKEN, ARCAN_CACERT (a PEM file) and ARCAN_REALM.
	client, err := arcan.FromEnv()
	if err != nil {
		log.Fatal(err)
	}
	_ = client
}

func ExampleKVService_Get() {
	client := arcan.NewClient("https://arcan.example.com", arcan.WithToken("arc_xxx"))
	secret, err := client.KV.Get(context.Background(), "DATABASE_URL", arcan.InRealm("myapp"))
	if arcan.IsNotFound(err) {
		log.Fatal("no such secret or realm")
	} else if err != nil {
		log.Fatal(err)
	}
	fmt.Println(secret.Value, secret.Version)
}

func ExampleKVService_Put() {
	ctx := context.Background()
	client := arcan.NewClient("https://arcan.example.com", arcan.WithToken("arc_xxx"), arcan.WithRealm("myapp"))
	current, err := client.KV.Get(ctx, "DATABASE_URL")
	if err != nil {
		log.Fatal(err)
	}
	// Check-and-set: only if nobody wrote a newer version meanwhile.
	_, err = client.KV.Put(ctx, "DATABASE_URL", "postgres://new", arcan.WithCAS(current.Version))
	if arcan.IsConflict(err) {
		log.Fatal("changed concurrently; read again")
	}
	versions, _ := client.KV.Versions(ctx, "DATABASE_URL")
	fmt.Println(len(versions))
}

func ExampleTokensService_Create() {
	client := arcan.NewClient("https://arcan.example.com", arcan.WithToken("arc_admin"))
	created, err := client.Tokens.Create(context.Background(), arcan.CreateTokenRequest{
		Name:         "ci-pipeline",
		TTL:          "90d",
		Capabilities: []arcan.Capability{arcan.CapabilitySecretsRead, arcan.CapabilityLeasesCreate},
		Realms:       []string{"myapp"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(created.Token) // shown only this once
}

func ExampleRealmsService_Create() {
	client := arcan.NewClient("https://arcan.example.com", arcan.WithToken("arc_admin"))
	description := "Production services of myapp"
	realm, err := client.Realms.Create(context.Background(), arcan.CreateRealmRequest{Name: "myapp", Description: &description})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(realm.Name)
}

func ExampleLeaseService_Create() {
	ctx := context.Background()
	client := arcan.NewClient("https://arcan.example.com", arcan.WithToken("arc_xxx"), arcan.WithRealm("myapp"))
	creds, err := client.Lease.Create(ctx, "postgres", "readonly", arcan.WithTTL(time.Hour))
	if err != nil {
		log.Fatal(err)
	}
	defer client.Lease.Revoke(ctx, creds.LeaseID)
	if _, err := client.Lease.Renew(ctx, creds.LeaseID, arcan.WithIncrement(30*time.Minute)); err != nil {
		log.Fatal(err)
	}
	fmt.Println(creds.Credentials["username"], creds.ExpiresAt)
}

func ExampleClient_Authorize() {
	client := arcan.NewClient("https://arcan.example.com", arcan.WithToken("arc_enforcement_point"))
	decision, err := client.Authorize(context.Background(), arcan.AuthorizeRequest{
		Token:    arcan.Ptr("eyJ…"), // the agent's STS token
		Action:   "jira.read",
		Resource: arcan.AuthorizedResource{Type: "project", ID: "FIN-OPS"},
	})
	if err != nil {
		log.Fatal(err)
	}
	switch decision.Decision {
	case "allow":
	case "review":
		fmt.Println("waiting for review", decision.ReviewID)
	default:
		fmt.Println("denied", decision.DecisionID)
	}
}

func ExampleSTSService_Exchange() {
	client := arcan.NewClient("https://arcan.example.com")
	issued, err := client.STS.Exchange(context.Background(), arcan.TokenExchangeRequest{
		SubjectToken:  "arc_user_token",
		ActorToken:    "agt_agent_credential",
		WorkloadToken: "eyJ…", // a JWT-SVID, optional
		Scope:         []string{"jira.read:project/FIN-OPS"},
		Task:          "reconcile-invoices-q3",
	})
	var apiErr *arcan.Error
	if errors.As(err, &apiErr) && apiErr.OAuthError == "invalid_scope" {
		log.Fatal("no layer allows that scope")
	} else if err != nil {
		log.Fatal(err)
	}
	fmt.Println(issued.AccessToken, issued.ExpiresIn)
}

func ExampleError() {
	client := arcan.NewClient("https://arcan.example.com", arcan.WithToken("arc_xxx"))
	_, err := client.KV.Get(context.Background(), "DATABASE_URL", arcan.InRealm("myapp"))
	var apiErr *arcan.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.Status, apiErr.Code, apiErr.Detail, apiErr.RequestID)
	}
}
