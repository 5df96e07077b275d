// Links against the packaged library and uses it: decode, encode, error text.
#include <igtcloud/entities.hpp>

#include <iostream>

int main()
{
    namespace entities = igtcloud::entities;
    auto user = entities::decode<entities::user_info>(
        R"({"loginId":"ada@example.org","profile":{"givenName":"Ada"},"unknown":1})");
    if (!user || user->login_id != "ada@example.org") return 1;
    auto bad = entities::decode<entities::user_info>(R"({"profile":{"givenName":7}})");
    if (bad) return 2;
    std::cout << "consumer: " << *user->login_id << " | " << entities::encode(*user) << " | "
              << bad.error().message << '\n';
    return 0;
}
