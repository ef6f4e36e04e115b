<?php
/**
 * Aflexi\xmlrpc_decode_response: an answer becomes PHP values by the client's own decoder,
 * built straight as PHP arrays, with the decoder's leniency and its errors as exceptions.
 */

declare(strict_types=1);

namespace Aflexi\Tests;

use Aflexi\FaultException;
use Aflexi\InvalidInputException;
use Aflexi\ProtocolException;

use function Aflexi\xmlrpc_decode_response;

final class DecodeResponseTest extends ExtensionTestCase
{
    private static function response(string $value): string
    {
        return "<?xml version=\"1.0\"?>\n<methodResponse><params><param><value>$value</value></param></params></methodResponse>";
    }

    public function testEveryTypeBecomesItsPhpValue(): void
    {
        $body = self::response(
            '<struct>'
            . '<member><name>20260101</name><value><struct><member><name>7</name><value><array><data>'
            . '<value><i4>1</i4></value><value><int>-2</int></value><value><i8>9007199254740993</i8></value>'
            . '</data></array></value></member></struct></value></member>'
            . '<member><name>name</name><value>Jos&#233; &amp; co</value></member>'
            . '<member><value><string> kept </string></value><name>spaces</name></member>'
            . '<member><name>ok</name><value><boolean>true</boolean></value></member>'
            . '<member><name>ratio</name><value><double>1.5</double></value></member>'
            . '<member><name>none</name><value><nil/></value></member>'
            . '<member><name>when</name><value><dateTime.iso8601> 20260123T10:11:12 </dateTime.iso8601></value></member>'
            . '<member><name>text</name><value><base64>Sm9zw6k=</base64></value></member>'
            . '<member><name>bytes</name><value><base64>8MrMGg==</base64></value></member>'
            . '<member><name>empty</name><value/></member>'
            . '<member><name>list</name><value><array><data/></array></value></member>'
            . '</struct>'
        );
        self::assertSame([
            20260101 => [7 => [1, -2, 9007199254740993]],
            'name' => 'José & co',
            'spaces' => ' kept ',
            'ok' => true,
            'ratio' => 1.5,
            'none' => null,
            'when' => '20260123T10:11:12',
            'text' => 'José',
            'bytes' => ['$base64' => '8MrMGg=='],
            'empty' => '',
            'list' => [],
        ], xmlrpc_decode_response($body));
    }

    public function testARepeatedMemberKeepsItsPlaceWithTheLastValue(): void
    {
        $body = self::response('<struct><member><name>a</name><value>1</value></member>'
            . '<member><name>b</name><value>2</value></member><member><name>a</name><value>3</value></member></struct>');
        self::assertSame(['a' => '3', 'b' => '2'], xmlrpc_decode_response($body));
    }

    public function testALatin1BodyIsReadInItsCharset(): void
    {
        $body = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><methodResponse><params><param><value>Jos\xE9</value></param></params></methodResponse>";
        self::assertSame('José', xmlrpc_decode_response($body));
    }

    public function testAFaultIsAFaultExceptionWithItsCode(): void
    {
        $body = '<methodResponse><fault><value><struct>'
            . '<member><name>faultCode</name><value><int>409</int></value></member>'
            . '<member><name>faultString</name><value>duplicate</value></member>'
            . '</struct></value></fault></methodResponse>';
        try {
            xmlrpc_decode_response($body);
            self::fail('no exception');
        } catch (FaultException $e) {
            self::assertSame(409, $e->getCode());
            self::assertStringContainsString('duplicate', $e->getMessage());
        }
    }

    public function testWhatIsNotXmlRpcIsAProtocolException(): void
    {
        foreach ([
            '<html><title>502 Bad Gateway</title></html>',
            self::response('<int>12a</int>'),
            self::response('<ex:dom>x</ex:dom>'),
            substr(self::response('<string>abc</string>'), 0, -20),
            "<methodResponse><params><param><value>Jos\xE9</value></param></params></methodResponse>",
        ] as $body) {
            try {
                xmlrpc_decode_response($body);
                self::fail("no exception for $body");
            } catch (ProtocolException $e) {
                self::assertNotSame('', $e->getMessage());
            }
        }
    }

    public function testNestingIsLimitedTo64ArraysAndStructs(): void
    {
        $nested = static fn (int $depth): string => self::response(
            str_repeat('<array><data><value>', $depth) . '<i4>1</i4>' . str_repeat('</value></data></array>', $depth)
        );
        $value = xmlrpc_decode_response($nested(64));
        for ($i = 0; $i < 64; $i++) {
            $value = $value[0];
        }
        self::assertSame(1, $value);
        $this->expectException(ProtocolException::class);
        $this->expectExceptionMessage('nested more than 64 deep');
        xmlrpc_decode_response($nested(65));
    }

    public function testABodyThatIsNotAStringIsRejectedByName(): void
    {
        $this->expectException(InvalidInputException::class);
        $this->expectExceptionMessage('$body');
        xmlrpc_decode_response(['<methodResponse/>']);
    }
}
