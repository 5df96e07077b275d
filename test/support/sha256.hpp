// SHA-256 of bytes, of a file and of an archive streamed in parts, as lower-case hex (OpenSSL EVP): for the
// tests and bench_download (no Boost.Test here).
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/evp.h>

namespace igtcloud::test {

/// An incremental SHA-256.
class sha256 {
public:
    sha256() : ctx_(EVP_MD_CTX_new(), &EVP_MD_CTX_free)
    {
        EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
    }
    sha256& add(std::string_view bytes)
    {
        EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size());
        return *this;
    }
    std::string hex()
    {
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned size = 0;
        EVP_DigestFinal_ex(ctx_.get(), digest, &size);
        std::string out;
        char two[3];
        for (unsigned i = 0; i < size; ++i) {
            std::snprintf(two, sizeof two, "%02x", digest[i]);
            out += two;
        }
        return out;
    }

private:
    std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx_;
};

inline std::string sha256_of(std::string_view bytes)
{
    return sha256().add(bytes).hex();
}

/// The SHA-256 of a file's content, read in 1 MiB pieces.
inline std::string sha256_of_file(std::filesystem::path const& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path.string());
    sha256 h;
    std::vector<char> buffer(1 << 20);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        h.add(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
    }
    return h.hex();
}

} // namespace igtcloud::test
