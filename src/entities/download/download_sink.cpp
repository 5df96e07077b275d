// download_sink: the two kinds of sink and the progress hook (the public type; download_writer uses it).
#include <igtcloud/entities/download.hpp>

#include <utility>

namespace igtcloud::entities {

download_sink download_sink::file(std::filesystem::path path)
{
    download_sink sink;
    sink.path_ = std::move(path);
    return sink;
}

download_sink download_sink::callable(write_function write, restart_function restart)
{
    download_sink sink;
    sink.write_ = std::move(write);
    sink.restart_ = std::move(restart);
    return sink;
}

download_sink& download_sink::on_progress(progress_function progress) &
{
    progress_ = std::move(progress);
    return *this;
}

download_sink&& download_sink::on_progress(progress_function progress) &&
{
    progress_ = std::move(progress);
    return std::move(*this);
}

} // namespace igtcloud::entities
