// The `integration` test executable: the in-process mock server on 127.0.0.1, real sockets, real TLS.
#define BOOST_TEST_MODULE igtcloud_integration
#include <boost/test/unit_test.hpp>
