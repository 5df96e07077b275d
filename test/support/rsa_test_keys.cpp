// Test-time key generation for the auth tests (RSA 2048 and EC P-256, PEM-encoded in memory).
#include "support/rsa_test_keys.hpp"

#include <memory>
#include <stdexcept>

#include <openssl/bio.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace auth_test {
namespace {

using pkey_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using bio_ptr = std::unique_ptr<BIO, decltype(&BIO_free)>;

void check(bool ok, char const* what)
{
    if (!ok) {
        ERR_clear_error();
        throw std::runtime_error(std::string("test key generation failed: ") + what);
    }
}

std::string drain(BIO* bio)
{
    char* data = nullptr;
    long const len = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(len));
}

// `key` PEM-encoded by OSSL_ENCODER: selection, structure ("PrivateKeyInfo", "type-specific", ...).
std::string encode(EVP_PKEY* key, int selection, char const* structure, char const* cipher = nullptr)
{
    bio_ptr bio{BIO_new(BIO_s_mem()), BIO_free};
    OSSL_ENCODER_CTX* ctx = OSSL_ENCODER_CTX_new_for_pkey(key, selection, "PEM", structure, nullptr);
    check(ctx != nullptr && OSSL_ENCODER_CTX_get_num_encoders(ctx) > 0, structure);
    if (cipher != nullptr) {
        check(OSSL_ENCODER_CTX_set_cipher(ctx, cipher, nullptr) == 1, "set_cipher");
        check(OSSL_ENCODER_CTX_set_passphrase(ctx, reinterpret_cast<unsigned char const*>("pass"), 4) == 1,
              "set_passphrase");
    }
    bool const ok = OSSL_ENCODER_to_bio(ctx, bio.get()) == 1;
    OSSL_ENCODER_CTX_free(ctx);
    check(ok, "OSSL_ENCODER_to_bio");
    return drain(bio.get());
}

pem_pair pair_of(EVP_PKEY* key)
{
    return pem_pair{encode(key, EVP_PKEY_KEYPAIR, "PrivateKeyInfo"),
                    encode(key, EVP_PKEY_PUBLIC_KEY, "SubjectPublicKeyInfo")};
}

struct generated {
    pkey_ptr rsa{EVP_RSA_gen(2048), EVP_PKEY_free};
    pkey_ptr other{EVP_RSA_gen(2048), EVP_PKEY_free};
    pkey_ptr ec{EVP_EC_gen("P-256"), EVP_PKEY_free};
    pem_pair rsa_pems, other_pems, ec_pems, pkcs1_pems;
    std::string encrypted;

    generated()
    {
        check(rsa && other && ec, "keygen");
        rsa_pems = pair_of(rsa.get());
        other_pems = pair_of(other.get());
        ec_pems = pair_of(ec.get());
        pkcs1_pems = pem_pair{encode(rsa.get(), EVP_PKEY_KEYPAIR, "type-specific"),
                              encode(rsa.get(), EVP_PKEY_PUBLIC_KEY, "type-specific")};
        encrypted = encode(rsa.get(), EVP_PKEY_KEYPAIR, "EncryptedPrivateKeyInfo", "AES-256-CBC");
    }
};

generated const& keys()
{
    static generated const g;
    return g;
}

} // namespace

pem_pair const& rsa_keys()
{
    return keys().rsa_pems;
}
pem_pair const& other_rsa_keys()
{
    return keys().other_pems;
}
pem_pair const& ec_keys()
{
    return keys().ec_pems;
}
pem_pair const& rsa_keys_pkcs1()
{
    return keys().pkcs1_pems;
}
std::string const& encrypted_rsa_private_pem()
{
    return keys().encrypted;
}

} // namespace auth_test
