<?php
/**
 * The extension against Python's standard xmlrpc.server and hand-written answers: values any conforming server may send are read, and each kind of failure is thrown as
 * its own class, so PHP code branches with instanceof.
 */

declare(strict_types=1);

use PHPUnit\Framework\TestCase;

final class ConformanceTest extends TestCase
{
    private static function client(string $prefix, array $options = []): Aflexi\Client
    {
        $url = 'http://127.0.0.1:' . CONFORMANCE_PORT . "/$prefix/core/xmlrpc";
        return new Aflexi\Client($url, 'op', 'conformance-key', $options + ['operator_id' => 7, 'retries' => 0]);
    }

    private static function calls(string $case): int
    {
        return (int) file_get_contents('http://127.0.0.1:' . CONFORMANCE_PORT . "/_count/$case");
    }

    private static function failure(callable $call): Throwable
    {
        try {
            $call();
        } catch (Throwable $e) {
            return $e;
        }
        self::fail('no exception');
    }

    public function testADoubleLimitFromPythonsServerIsItsValue(): void
    {
        $packages = self::client('std')->listPackages();
        $limits = array_column($packages, 'bandwidth_limit_gb', 'name');
        self::assertSame(100, $limits['gold']);
        self::assertNull($limits['unlimited']);
    }

    public function testEverySpellingOfAnIntegerAndEveryFramingIsRead(): void
    {
        foreach (['int', 'i4', 'i8', 'ex_i8', 'double', 'untyped', 'pretty', 'gzip', 'deflate', 'chunked', 'close'] as $case) {
            $packages = self::client("odd/$case")->listPackages();
            self::assertSame(100, $packages[0]['bandwidth_limit_gb'], $case);
        }
        self::assertSame('Café', self::client('odd/latin1')->listPackages()[0]['name']);
        self::assertSame('A&B ☺ <c>', self::client('odd/entities')->listPackages()[0]['name']);
    }

    public function testAFractionalLimitIsAProtocolExceptionNamingMemberAndMethod(): void
    {
        $e = self::failure(fn () => self::client('odd/fraction')->listPackages());
        self::assertInstanceOf(Aflexi\ProtocolException::class, $e);
        self::assertStringContainsString("'bandwidthLimit'", $e->getMessage());
        self::assertStringContainsString('bandwidthPackage.get', $e->getMessage());
    }

    public function testAnIdPast32BitsTravelsBothWays(): void
    {
        $publisher = self::client('odd/echo_id')->getPublisher(5_000_000_000);
        self::assertSame(5_000_000_000, $publisher['id']);
    }

    public function testAServerIgnoringPagingStopsTheListingWithAProtocolException(): void
    {
        $e = self::failure(fn () => self::client('odd/ignores_offset', ['page_size' => 50])->listPublishers());
        self::assertInstanceOf(Aflexi\ProtocolException::class, $e);
        $e = self::failure(fn () => self::client('odd/ignores_maximum', ['page_size' => 50])->listPublishers());
        self::assertInstanceOf(Aflexi\ProtocolException::class, $e);
        $e = self::failure(fn () => self::client('odd/endless', ['page_size' => 100, 'max_listed_rows' => 500])->listPublishers());
        self::assertInstanceOf(Aflexi\ProtocolException::class, $e);
    }

    public function testPublishersComePageByPageWithTheSameGuards(): void
    {
        $pages = self::client('std', ['page_size' => 100])->publisherPages();
        $sizes = [];
        $ids = [];
        while (($page = $pages->next()) !== null) {
            $sizes[] = count($page);
            array_push($ids, ...array_column($page, 'id'));
        }
        self::assertCount(13, $sizes);
        self::assertSame(100, $sizes[0]);
        self::assertSame(range(1, 1203), $ids);
        self::assertNull($pages->next(), 'stays at the end');

        $pages = self::client('odd/ignores_offset', ['page_size' => 50])->publisherPages();
        self::assertCount(50, $pages->next());
        $e = self::failure(fn () => $pages->next());
        self::assertInstanceOf(Aflexi\ProtocolException::class, $e);
    }

    public function testEachKindOfFailureHasItsClass(): void
    {
        $e = self::failure(fn () => self::client('odd/fault500')->listPackages());
        self::assertInstanceOf(Aflexi\FaultException::class, $e);
        self::assertSame(42, $e->getCode());

        $e = self::failure(fn () => self::client('odd/html404')->listPackages());
        self::assertInstanceOf(Aflexi\HttpStatusException::class, $e);
        self::assertSame(404, $e->getCode());

        $e = self::failure(fn () => self::client('odd/notfound')->listPackages());
        self::assertInstanceOf(Aflexi\NotFoundException::class, $e);

        $e = self::failure(fn () => self::client('odd/toolarge', ['max_response_bytes' => 10000])->listPackages());
        self::assertInstanceOf(Aflexi\ResponseTooLargeException::class, $e);
        self::assertSame(1, self::calls('toolarge'));

        $e = self::failure(fn () => self::client('odd/slow', ['timeout' => 0.3])->listPackages());
        self::assertInstanceOf(Aflexi\TimeoutException::class, $e);

        $closed = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr((string) stream_socket_get_name($closed, false), strrpos((string) stream_socket_get_name($closed, false), ':') + 1);
        fclose($closed);
        $e = self::failure(fn () => (new Aflexi\Client("http://127.0.0.1:$port/core/xmlrpc", 'op', 'k', ['operator_id' => 7, 'retries' => 0]))->listPackages());
        self::assertInstanceOf(Aflexi\ConnectionRefusedException::class, $e);

        $e = self::failure(fn () => (new Aflexi\Client('http://no-such-host.invalid/core/xmlrpc', 'op', 'k', ['operator_id' => 7, 'retries' => 0]))->listPackages());
        self::assertInstanceOf(Aflexi\DnsException::class, $e);

        $e = self::failure(fn () => (new Aflexi\Client('https://127.0.0.1:' . CONFORMANCE_PORT . '/std/core/xmlrpc', 'op', 'k', ['operator_id' => 7, 'retries' => 0]))->listPackages());
        self::assertInstanceOf(Aflexi\TlsException::class, $e);
        self::assertInstanceOf(Aflexi\ConnectException::class, $e);
        self::assertInstanceOf(Aflexi\TransportException::class, $e);
    }

    public function testAnUnreadableCaFileIsNamed(): void
    {
        $client = new Aflexi\Client('https://127.0.0.1:' . CONFORMANCE_PORT . '/std/core/xmlrpc', 'op', 'k', ['operator_id' => 7, 'ca_file' => '/nonexistent/operator-ca.pem']);
        $e = self::failure(fn () => $client->listPackages());
        self::assertInstanceOf(Aflexi\InvalidInputException::class, $e);
        self::assertStringContainsString('/nonexistent/operator-ca.pem', $e->getMessage());
    }

    public function testAReadFaultCostsOneRoundTrip(): void
    {
        $e = self::failure(fn () => self::client('odd/fault', ['retries' => 3])->listPackages());
        self::assertInstanceOf(Aflexi\FaultException::class, $e);
        self::assertSame(1, self::calls('fault'));
    }

    public function testTerminatingADeletedPublisherTwiceIsAlreadyGone(): void
    {
        $client = self::client('std');
        self::assertSame('deleted', $client->terminate(9));
        self::assertSame('already_gone', $client->terminate(9));
    }
}
