package setting

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"
)

// certType is an 802-1x certificate or private key: nmcli takes a file
// ("[file://]PATH", checked to hold a certificate or key) or a "pkcs11:"
// URI; a private key may be followed by its password.
type certType struct {
	// key: a private key; passwordProp holds its password.
	key          bool
	passwordProp string
	// client certificates may be PKCS#12 files.
	client bool
}

func (certType) get(c *getCtx) (string, bool) {
	b := c.s.Bytes(c.p.Name)
	scheme, _ := CertScheme(b)
	var s string
	switch scheme {
	case CertSchemeBlob:
		if !c.showSecrets {
			return HiddenText, false
		}
		s = strings.ToUpper(fmt.Sprintf("%x", b))
	case CertSchemePath:
		s = string(b[len(CertPrefixPath) : len(b)-1])
	case CertSchemePKCS11:
		s = string(b[:len(b)-1])
	}
	return s, s == ""
}

func (t certType) set(c *setCtx, _ Modifier, value *string) error {
	if value == nil {
		c.s.Unset(c.p.Name)
		if t.key {
			c.s.Unset(t.passwordProp)
		}
		return nil
	}
	v := trimASCIISpace(*value)
	password := ""
	hasPassword := false
	if t.key {
		words := escapedTokensSplit(v, asciiSpaces)
		if len(words) > 2 {
			return errors.New("too many arguments. Please only specify a private key file and optionally a password")
		}
		v = ""
		if len(words) > 0 {
			v = words[0]
		}
		if len(words) == 2 {
			password, hasPassword = words[1], true
		}
	}
	pkcs11 := strings.HasPrefix(v, CertPrefixPKCS11)
	if !pkcs11 {
		v = strings.TrimPrefix(v, CertPrefixPath)
	}
	name := c.p.FullName()
	if v == "" {
		c.s.Unset(c.p.Name)
		return nil
	}
	if pkcs11 {
		if err := c.s.Set(c.p.Name, append([]byte(v), 0)); err != nil {
			return err
		}
	} else {
		data, err := os.ReadFile(v)
		if err != nil {
			return fmt.Errorf("%s: Failed to open file \"%s\": %s", name, v, errnoText(err))
		}
		if t.key {
			if !isPrivateKey(data) && !isPKCS12(data) {
				return fmt.Errorf("%s: %s", name, "Failed to find expected PKCS#8 start tag.")
			}
		} else if !isCertificate(data) && !(t.client && isPKCS12(data)) {
			return fmt.Errorf("%s: Failed to recognize certificate", name)
		}
		if err := c.s.Set(c.p.Name, append([]byte(CertPrefixPath+v), 0)); err != nil {
			return err
		}
	}
	if t.key {
		if hasPassword {
			return c.s.Set(t.passwordProp, password)
		}
	}
	return nil
}

// errnoText is GLib's text for a file error.
func errnoText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		var en syscall.Errno
		if errors.As(pe.Err, &en) {
			s := en.Error()
			if s != "" {
				return strings.ToUpper(s[:1]) + s[1:]
			}
		}
		return pe.Err.Error()
	}
	return err.Error()
}

// isCertificate recognizes a PEM or DER X.509 certificate.
func isCertificate(b []byte) bool {
	if blk, _ := pem.Decode(b); blk != nil {
		return blk.Type == "CERTIFICATE" || blk.Type == "X509 CERTIFICATE" || blk.Type == "TRUSTED CERTIFICATE"
	}
	if bytes.Contains(b, []byte("-----BEGIN CERTIFICATE-----")) {
		return true
	}
	_, err := x509.ParseCertificate(b)
	return err == nil
}

// isPrivateKey recognizes a PEM private key (PKCS#1, PKCS#8, EC,
// encrypted) or a DER PKCS#8 one.
func isPrivateKey(b []byte) bool {
	for rest := b; ; {
		blk, r := pem.Decode(rest)
		if blk == nil {
			break
		}
		if strings.HasSuffix(blk.Type, "PRIVATE KEY") {
			return true
		}
		rest = r
	}
	if _, err := x509.ParsePKCS8PrivateKey(b); err == nil {
		return true
	}
	_, err := x509.ParsePKCS1PrivateKey(b)
	return err == nil
}
