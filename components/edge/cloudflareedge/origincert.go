package cloudflareedge

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-cloudflare/sdk/v5/go/cloudflare"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/octura/odoo-hosting/components/edge"
)

// OriginCertificateArgs are the Origin CA certificate's arguments.
type OriginCertificateArgs struct {
	// Spec gives the hostnames, the CSR (Spec.OriginCSR, required) and the validity.
	Spec edge.Spec
	// Provider is the explicit Cloudflare provider; required.
	Provider pulumi.ProviderResource
}

// OriginCertificate is the Cloudflare Origin CA certificate a cloud runtime's load
// balancer presents to the edge, which validates it under SSL mode Full (strict)
// (ENC-1). It is separate from the edge because the runtime needs it before the
// edge can point records at the runtime's load balancer.
type OriginCertificate struct {
	pulumi.ResourceState

	// Certificate is the PEM certificate, for the AWS or GCP runtime.
	Certificate pulumi.StringOutput `pulumi:"certificate"`
	// ExpiresOn is the certificate's expiry.
	ExpiresOn pulumi.StringOutput `pulumi:"expiresOn"`
	// RequestType is origin-rsa or origin-ecc, from the CSR's key.
	RequestType string
}

// NewOriginCertificate registers the Origin CA certificate for the spec's hostnames.
// It validates first and registers nothing when the spec is invalid or has no CSR.
func NewOriginCertificate(ctx *pulumi.Context, name string, args *OriginCertificateArgs, opts ...pulumi.ResourceOption) (*OriginCertificate, error) {
	if args == nil {
		return nil, errors.New("origin certificate " + name + ": args are nil")
	}
	s := args.Spec.WithDefaults()
	var errs []error
	if err := s.Validate(); err != nil {
		errs = append(errs, err)
	}
	if s.OriginCSR == "" {
		errs = append(errs, errors.New("originCsr is empty; the runtime generates the key and hands over its CSR"))
	}
	if args.Provider == nil {
		errs = append(errs, errors.New("provider is nil; pass the stack's explicit Cloudflare provider"))
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("origin certificate %s: %w", name, errors.Join(errs...))
	}
	requestType, _ := edge.OriginRequestType(s.OriginCSR) // validated above

	c := &OriginCertificate{RequestType: requestType}
	if err := ctx.RegisterComponentResource(OriginCertificateType, name, c, opts...); err != nil {
		return nil, err
	}
	cert, err := cloudflare.NewOriginCaCertificate(ctx, name, &cloudflare.OriginCaCertificateArgs{
		Csr:               pulumi.String(s.OriginCSR),
		Hostnames:         pulumi.ToStringArray(s.Hostnames),
		RequestType:       pulumi.String(requestType),
		RequestedValidity: pulumi.Int(s.OriginCertificateValidity),
		MinDaysForRenewal: pulumi.Int(30),
	}, pulumi.Parent(c), pulumi.Provider(args.Provider))
	if err != nil {
		return nil, err
	}
	c.Certificate = cert.Certificate
	c.ExpiresOn = cert.ExpiresOn
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"certificate": c.Certificate, "expiresOn": c.ExpiresOn}); err != nil {
		return nil, err
	}
	return c, nil
}
