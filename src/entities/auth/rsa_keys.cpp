// RSA keys from PEM text, and RS256 signing and verification with OpenSSL's EVP API.
#include <boost/json/parse.hpp>

#include "entities/auth/base64.hpp"
#include "entities/auth/jwt.hpp"
#include "entities/auth/jwt_internal.hpp"
#include <openssl/bio.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace igtcloud::entities::detail::auth {
namespace {

constexpr std::size_t max_pem_bytes = 1 << 20;

struct bio_free {
    void operator()(BIO* b) const noexcept { BIO_free(b); }
};
struct md_ctx_free {
    void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};

// OpenSSL asks this for the passphrase of an encrypted key: there is none, so decoding fails (and nothing
// prompts on the terminal).
int no_passphrase(char*, int, int, void*)
{
    return -1;
}

// A PKCS#1 "RSA PUBLIC KEY", which PEM_read_bio_PUBKEY does not read.
EVP_PKEY* read_pkcs1_public(std::string_view pem)
{
    EVP_PKEY* key = nullptr;
    OSSL_DECODER_CTX* ctx = OSSL_DECODER_CTX_new_for_pkey(&key, "PEM", "type-specific", "RSA",
                                                          EVP_PKEY_PUBLIC_KEY, nullptr, nullptr);
    if (ctx == nullptr) return nullptr;
    auto const* data = reinterpret_cast<unsigned char const*>(pem.data());
    std::size_t len = pem.size();
    if (OSSL_DECODER_from_data(ctx, &data, &len) != 1) key = nullptr;
    OSSL_DECODER_CTX_free(ctx);
    return key;
}

// Why `pem` holds no usable key of the kind wanted, from its armour lines only (never its content).
std::string what_it_is(std::string_view pem, bool want_private)
{
    if (pem.find("ENCRYPTED") != std::string_view::npos)
        return "an encrypted private key (only unencrypted PEM keys are supported)";
    if (pem.find("CERTIFICATE") != std::string_view::npos) return "a certificate, not a key";
    if (want_private && pem.find("PUBLIC KEY-----") != std::string_view::npos)
        return "a public key, not a private key";
    if (!want_private && pem.find("PRIVATE KEY-----") != std::string_view::npos)
        return "a private key where a public key was expected";
    if (pem.find("-----BEGIN ") == std::string_view::npos) return "not PEM text";
    return "not a readable PEM key";
}

// Parses the first PEM key of the wanted kind, checks that it is RSA; clears OpenSSL's error queue.
api_result<std::shared_ptr<evp_pkey_st>> read_key(std::string_view pem, bool want_private)
{
    std::string const what = want_private ? "RSA private key: " : "RSA public key: ";
    if (pem.find_first_not_of(" \t\r\n") == std::string_view::npos) return jwt_error(what + "empty PEM text");
    if (pem.size() > max_pem_bytes) return jwt_error(what + "PEM text over 1 MiB");
    ERR_clear_error();
    std::unique_ptr<BIO, bio_free> bio{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
    EVP_PKEY* raw = nullptr;
    if (bio && want_private) raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr);
    if (bio && !want_private) raw = PEM_read_bio_PUBKEY(bio.get(), nullptr, no_passphrase, nullptr);
    if (raw == nullptr && !want_private &&
        pem.find("-----BEGIN RSA PUBLIC KEY-----") != std::string_view::npos)
        raw = read_pkcs1_public(pem);
    ERR_clear_error();
    if (raw == nullptr) return jwt_error(what + what_it_is(pem, want_private));
    std::shared_ptr<evp_pkey_st> key{raw, EVP_PKEY_free};
    if (EVP_PKEY_is_a(raw, "RSA") != 1) {
        char const* type = EVP_PKEY_get0_type_name(raw);
        return jwt_error(what + "the key is not RSA (" + (type != nullptr ? type : "unknown type") + ")");
    }
    return key;
}

} // namespace

api_result<rsa_private_key> rsa_private_key::from_pem(std::string_view pem)
{
    auto key = read_key(pem, true);
    if (!key) return key.error();
    return rsa_private_key{std::move(*key)};
}

api_result<rsa_public_key> rsa_public_key::from_pem(std::string_view pem)
{
    auto key = read_key(pem, false);
    if (!key) return key.error();
    return rsa_public_key{std::move(*key)};
}

api_result<std::string> sign_rs256(boost::json::object const& claims, rsa_private_key const& key)
{
    boost::json::object const header{{"alg", "RS256"}, {"typ", "JWT"}};
    std::string token = joined_signing_input(header, claims);
    ERR_clear_error();
    std::unique_ptr<EVP_MD_CTX, md_ctx_free> ctx{EVP_MD_CTX_new()};
    auto const* data = reinterpret_cast<unsigned char const*>(token.data());
    std::size_t len = 0;
    bool ok = ctx && key.get() != nullptr &&
              EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
              EVP_DigestSign(ctx.get(), nullptr, &len, data, token.size()) == 1;
    std::string signature(len, '\0');
    ok = ok && EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len, data,
                              token.size()) == 1;
    ERR_clear_error();
    if (!ok) return jwt_error("RS256 signing failed");
    signature.resize(len);
    return token + '.' + base64url_encode(signature);
}

api_result<jwt_claims> verify_rs256(std::string_view token, rsa_public_key const& key)
{
    auto t = decode_signed(token, "RS256");
    if (!t) return t.error();
    ERR_clear_error();
    std::unique_ptr<EVP_MD_CTX, md_ctx_free> ctx{EVP_MD_CTX_new()};
    bool const ok =
        ctx && key.get() != nullptr &&
        EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
        EVP_DigestVerify(ctx.get(), reinterpret_cast<unsigned char const*>(t->signature.data()),
                         t->signature.size(), reinterpret_cast<unsigned char const*>(t->signing_input.data()),
                         t->signing_input.size()) == 1;
    ERR_clear_error();
    if (!ok) return jwt_error("JWT signature does not verify");
    return std::move(t->claims);
}

} // namespace igtcloud::entities::detail::auth
