// The `unit` test executable: pure functions, no sockets.
#define BOOST_TEST_MODULE igtcloud_unit
#include <boost/test/unit_test.hpp>
