using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ClinicMail.Core.Crypto;
using ClinicMail.Infrastructure.Keys;

namespace ClinicMail.Infrastructure.Tests.Crypto;

/// <summary>Envelope encryption with a real key-encryption key (a local RSA-3072 key file in a
/// temporary folder): round trips, every kind of tampering, wrong keys, rewrap.</summary>
[TestFixture]
public sealed class EnvelopeEncryptorTests
{
    private DirectoryInfo _folder = null!;
    private LocalKeyFileKek _kek = null!;
    private LocalKeyFileKek _otherKek = null!;
    private EnvelopeEncryptor _encryptor = null!;

    private static readonly EnvelopeBinding Binding = new()
    {
        MessageId = "sm-2026-03-02-0017",
        Recipients = ["patient-000412", "patient-000977"],
    };

    private static EnvelopeContent Html() => new()
    {
        Subject = "Résultats : dépistage ITSS",
        Body = "<p>Bonjour M. Côté,</p><p>Vos résultats de dépistage sont <b>négatifs</b>. Prochain rendez-vous : 14 avril.</p><p>Dre Gagnon, M.D.</p>",
        Format = BodyFormat.Html,
    };

    private static EnvelopeContent WithAttachments() => new()
    {
        Subject = "Rapport de pathologie",
        Body = "Bonjour Mme Lavoie,\nVeuillez trouver ci-joint le rapport de votre biopsie et l'ordonnance.\nDr Pelletier, M.D.",
        Format = BodyFormat.Text,
        Attachments =
        [
            new EnvelopeAttachment { Name = "rapport-biopsie-épaule.pdf", ContentType = "application/pdf", Content = RandomNumberGenerator.GetBytes(70_000) },
            new EnvelopeAttachment { Name = "ordonnance.png", ContentType = "image/png", Content = RandomNumberGenerator.GetBytes(4_096) },
            new EnvelopeAttachment { Name = "vide.txt", ContentType = "text/plain", Content = Array.Empty<byte>() },
        ],
    };

    [OneTimeSetUp]
    public void OneTimeSetUp()
    {
        _folder = Directory.CreateTempSubdirectory("clinicmail-envelope-");
        _kek = LocalKeyFileKek.OpenOrCreate(Path.Combine(_folder.FullName, "a", "kek.pem"), allowDevelopmentKeys: true);
        _otherKek = LocalKeyFileKek.OpenOrCreate(Path.Combine(_folder.FullName, "b", "kek.pem"), allowDevelopmentKeys: true);
        _encryptor = new EnvelopeEncryptor(_kek);
    }

    [OneTimeTearDown]
    public void OneTimeTearDown()
    {
        _kek.Dispose();
        _otherKek.Dispose();
        _folder.Delete(recursive: true);
    }

    [Test]
    public async Task DecryptAsync_HtmlMessage_RoundTripsAsync()
    {
        var content = Html();

        var sealedEnvelope = await _encryptor.EncryptAsync(content, Binding);
        var opened = await _encryptor.DecryptAsync(sealedEnvelope, Binding);

        Assert.Multiple(() =>
        {
            Assert.That(opened.Subject, Is.EqualTo(content.Subject));
            Assert.That(opened.Body, Is.EqualTo(content.Body));
            Assert.That(opened.Format, Is.EqualTo(BodyFormat.Html));
            Assert.That(opened.Attachments, Is.Empty);
            // Nothing readable leaks into the blob: not the subject, not the body.
            Assert.That(Contains(sealedEnvelope.Ciphertext, "ITSS"), Is.False);
            Assert.That(Contains(sealedEnvelope.Ciphertext, "négatifs"), Is.False);
        });
    }

    [Test]
    public async Task DecryptAsync_TextWithAttachments_RoundTripsNamesTypesAndBytesAsync()
    {
        var content = WithAttachments();

        var sealedEnvelope = await _encryptor.EncryptAsync(content, Binding);
        var opened = await _encryptor.DecryptAsync(sealedEnvelope, Binding);

        Assert.That(opened.Body, Is.EqualTo(content.Body));
        Assert.That(opened.Attachments, Has.Count.EqualTo(3));
        for (var i = 0; i < 3; i++)
        {
            Assert.Multiple(() =>
            {
                Assert.That(opened.Attachments[i].Name, Is.EqualTo(content.Attachments[i].Name));
                Assert.That(opened.Attachments[i].ContentType, Is.EqualTo(content.Attachments[i].ContentType));
                Assert.That(opened.Attachments[i].Content.ToArray(), Is.EqualTo(content.Attachments[i].Content.ToArray()));
            });
        }

        Assert.That(Contains(sealedEnvelope.Ciphertext, "biopsie"), Is.False, "attachment names are encrypted too");
    }

    [Test]
    public async Task EncryptAsync_SameContentTwice_DifferentDataKeysAndCiphertextsAsync()
    {
        var first = await _encryptor.EncryptAsync(Html(), Binding);
        var second = await _encryptor.EncryptAsync(Html(), Binding);

        Assert.Multiple(() =>
        {
            Assert.That(first.Key.DataKeyId, Is.Not.EqualTo(second.Key.DataKeyId));
            Assert.That(first.Key.WrappedKey.Value, Is.Not.EqualTo(second.Key.WrappedKey.Value));
            Assert.That(first.Ciphertext, Is.Not.EqualTo(second.Ciphertext));
        });
    }

    [Test]
    public async Task EnvelopeHeaderRead_SealedEnvelope_NamesVersionMessageDataKeyAndAlgorithmAsync()
    {
        var sealedEnvelope = await _encryptor.EncryptAsync(WithAttachments(), Binding);

        var header = EnvelopeHeader.Read(sealedEnvelope.Ciphertext);

        Assert.Multiple(() =>
        {
            Assert.That(header.FormatVersion, Is.EqualTo(1));
            Assert.That(header.MessageId, Is.EqualTo(Binding.MessageId));
            Assert.That(header.DataKeyId, Is.EqualTo(sealedEnvelope.Key.DataKeyId));
            Assert.That(header.ContentAlgorithm, Is.EqualTo("A256GCM"));
            Assert.That(header.PartCount, Is.EqualTo(4));
            Assert.That(sealedEnvelope.Key.WrappedKey.KeyId, Is.EqualTo(_kek.KeyId));
            Assert.That(sealedEnvelope.Key.WrappedKey.Algorithm, Is.EqualTo("RSA-OAEP-256"));
        });
    }

    [Test]
    public async Task WrappedDataKeyFromJson_ToJsonOutput_RoundTripsAndDecryptsAsync()
    {
        var sealedEnvelope = await _encryptor.EncryptAsync(Html(), Binding);

        var json = sealedEnvelope.Key.ToJson();
        var restored = WrappedDataKey.FromJson(json);
        var opened = await _encryptor.DecryptAsync(sealedEnvelope with { Key = restored }, Binding);

        Assert.Multiple(() =>
        {
            Assert.That(json, Does.StartWith("{\"v\":1,\"mid\":\"sm-2026-03-02-0017\",\"dk\":"));
            Assert.That(json, Does.Contain("\"alg\":\"RSA-OAEP-256\""));
            Assert.That(opened.Subject, Is.EqualTo(Html().Subject));
        });
        Assert.Throws<EnvelopeIntegrityException>(() => WrappedDataKey.FromJson("{\"v\":1,\"mid\":\"x\"}"));
        Assert.Throws<EnvelopeFormatException>(() => WrappedDataKey.FromJson(json.Replace("\"v\":1", "\"v\":9", StringComparison.Ordinal)));
    }

    [Test]
    public async Task DecryptAsync_RecipientsInOtherOrderAndCase_StillDecryptsAsync()
    {
        var sealedEnvelope = await _encryptor.EncryptAsync(Html(), Binding);
        var sameSet = Binding with { Recipients = [" PATIENT-000977", "patient-000412"] };

        var opened = await _encryptor.DecryptAsync(sealedEnvelope, sameSet);

        Assert.That(opened.Body, Is.EqualTo(Html().Body));
    }

    // Each tampering names a part by index and the field within it.
    [TestCase(0, "ciphertext")]
    [TestCase(0, "tag")]
    [TestCase(0, "nonce")]
    [TestCase(1, "ciphertext")]
    [TestCase(1, "tag")]
    [TestCase(2, "nonce")]
    public async Task DecryptAsync_ByteFlippedInPart_ThrowsAuthenticationFailedAsync(int part, string field)
    {
        var sealedEnvelope = await _encryptor.EncryptAsync(WithAttachments(), Binding);
        var layout = Layout(sealedEnvelope.Ciphertext)[part];
        var position = field switch
        {
            "nonce" => layout.Offset + 5,
            "ciphertext" => layout.Offset + 12 + 4 + (layout.Length / 2),
            _ => layout.Offset + 12 + 4 + layout.Length + 15,
        };
        var tampered = sealedEnvelope.Ciphertext.ToArray();
        tampered[position] ^= 0x01;

        var error = Assert.ThrowsAsync<EnvelopeIntegrityException>(() => _encryptor.DecryptAsync(sealedEnvelope with { Ciphertext = tampered }, Binding))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Failure, Is.EqualTo(EnvelopeFailure.AuthenticationFailed));
            Assert.That(error.Message, Does.Not.Contain("Lavoie").And.Not.Contain("biopsie"));
            Assert.That(error.UserMessage.Fr, Does.Contain("intégrité"));
        });
    }

    [Test]
    public async Task DecryptAsync_HeaderFieldRewrittenWithMatchingRecords_ThrowsAuthenticationFailedAsync()
    {
        // An attacker with write access to every store renames the message consistently:
        // header, key record and binding all say the new id. The header is associated data, so
        // the tags still fail.
        var sealedEnvelope = await _encryptor.EncryptAsync(Html(), Binding);
        var tampered = Replace(sealedEnvelope.Ciphertext, "sm-2026-03-02-0017", "sm-2026-03-02-0018");
        var renamed = Binding with { MessageId = "sm-2026-03-02-0018" };
        var key = sealedEnvelope.Key with { MessageId = renamed.MessageId };

        var error = Assert.ThrowsAsync<EnvelopeIntegrityException>(() => _encryptor.DecryptAsync(new SealedEnvelope { Key = key, Ciphertext = tampered }, renamed))!;

        Assert.That(error.Failure, Is.EqualTo(EnvelopeFailure.AuthenticationFailed));
    }

    [Test]
    public async Task DecryptAsync_HeaderMadeUnreadable_ThrowsMalformedAsync()
    {
        var sealedEnvelope = await _encryptor.EncryptAsync(Html(), Binding);
        var tampered = Replace(sealedEnvelope.Ciphertext, "\"enc\":", "\"enc\"!");

        var error = Assert.ThrowsAsync<EnvelopeIntegrityException>(() => _encryptor.DecryptAsync(sealedEnvelope with { Ciphertext = tampered }, Binding))!;

        Assert.That(error.Failure, Is.EqualTo(EnvelopeFailure.Malformed));
    }

    [Test]
    public async Task DecryptAsync_UnknownFormatVersionOrAlgorithm_ThrowsFormatExceptionAsync()
    {
        var sealedEnvelope = await _encryptor.EncryptAsync(Html(), Binding);
        var version = sealedEnvelope.Ciphertext.ToArray();
        version[4] = 2;
        var algorithm = Replace(sealedEnvelope.Ciphertext, "A256GCM", "A128GCM");

        Assert.ThrowsAsync<EnvelopeFormatException>(() => _encryptor.DecryptAsync(sealedEnvelope with { Ciphertext = version }, Binding));
        Assert.ThrowsAsync<EnvelopeFormatException>(() => _encryptor.DecryptAsync(sealedEnvelope with { Ciphertext = algorithm }, Binding));
    }

    [Test]
    public async Task DecryptAsync_RecipientListChanged_ThrowsAuthenticationFailedAsync()
    {
        var sealedEnvelope = await _encryptor.EncryptAsync(WithAttachments(), Binding);
        var added = Binding with { Recipients = ["patient-000412", "patient-000977", "patient-000555"] };
        var removed = Binding with { Recipients = ["patient-000412"] };

        var withAdded = Assert.ThrowsAsync<EnvelopeIntegrityException>(() => _encryptor.DecryptAsync(sealedEnvelope, added))!;
        var withRemoved = Assert.ThrowsAsync<EnvelopeIntegrityException>(() => _encryptor.DecryptAsync(sealedEnvelope, removed))!;

        Assert.Multiple(() =>
        {
            Assert.That(withAdded.Failure, Is.EqualTo(EnvelopeFailure.AuthenticationFailed));
            Assert.That(withRemoved.Failure, Is.EqualTo(EnvelopeFailure.AuthenticationFailed));
        });
    }

    [Test]
    public async Task DecryptAsync_AttachmentsSwapped_ThrowsAuthenticationFailedAsync()
    {
        var sealedEnvelope = await _encryptor.EncryptAsync(WithAttachments(), Binding);
        var blob = sealedEnvelope.Ciphertext;
        var parts = Layout(blob);
        var first = blob.AsSpan(parts[1].Offset, parts[1].Size).ToArray();
        var second = blob.AsSpan(parts[2].Offset, parts[2].Size).ToArray();
        var swapped = blob[..parts[1].Offset].Concat(second).Concat(first).Concat(blob[(parts[2].Offset + parts[2].Size)..]).ToArray();

        var error = Assert.ThrowsAsync<EnvelopeIntegrityException>(() => _encryptor.DecryptAsync(sealedEnvelope with { Ciphertext = swapped }, Binding))!;

        Assert.That(error.Failure, Is.EqualTo(EnvelopeFailure.AuthenticationFailed));
    }

    [Test]
    public async Task DecryptAsync_TruncatedOrExtended_ThrowsMalformedAsync()
    {
        var sealedEnvelope = await _encryptor.EncryptAsync(WithAttachments(), Binding);
        var truncated = sealedEnvelope.Ciphertext[..^1];
        var extended = sealedEnvelope.Ciphertext.Append((byte)0).ToArray();

        var shortError = Assert.ThrowsAsync<EnvelopeIntegrityException>(() => _encryptor.DecryptAsync(sealedEnvelope with { Ciphertext = truncated }, Binding))!;
        var longError = Assert.ThrowsAsync<EnvelopeIntegrityException>(() => _encryptor.DecryptAsync(sealedEnvelope with { Ciphertext = extended }, Binding))!;

        Assert.Multiple(() =>
        {
            Assert.That(shortError.Failure, Is.EqualTo(EnvelopeFailure.Malformed));
            Assert.That(longError.Failure, Is.EqualTo(EnvelopeFailure.Malformed));
        });
    }

    [Test]
    public async Task DecryptAsync_OtherMessageId_ThrowsBindingMismatchAsync()
    {
        var sealedEnvelope = await _encryptor.EncryptAsync(Html(), Binding);

        var error = Assert.ThrowsAsync<EnvelopeIntegrityException>(() =>
            _encryptor.DecryptAsync(sealedEnvelope, Binding with { MessageId = "sm-2026-03-02-0099" }))!;

        Assert.That(error.Failure, Is.EqualTo(EnvelopeFailure.BindingMismatch));
    }

    [Test]
    public async Task DecryptAsync_KeyRecordOfAnotherEnvelope_FailsEvenWhenRelabelledAsync()
    {
        // Crypto-shredding: once a message's key record is gone, no other record opens its ciphertext.
        var target = await _encryptor.EncryptAsync(Html(), Binding);
        var other = await _encryptor.EncryptAsync(Html(), Binding);

        var paired = Assert.ThrowsAsync<EnvelopeIntegrityException>(() => _encryptor.DecryptAsync(target with { Key = other.Key }, Binding))!;
        var relabelled = other.Key with { DataKeyId = target.Key.DataKeyId };
        var forged = Assert.ThrowsAsync<EnvelopeIntegrityException>(() => _encryptor.DecryptAsync(target with { Key = relabelled }, Binding))!;

        Assert.Multiple(() =>
        {
            Assert.That(paired.Failure, Is.EqualTo(EnvelopeFailure.BindingMismatch));
            Assert.That(forged.Failure, Is.EqualTo(EnvelopeFailure.AuthenticationFailed));
        });
    }

    [Test]
    public async Task DecryptAsync_OtherKeyEncryptionKey_ThrowsEnvelopeKeyExceptionAsync()
    {
        var sealedEnvelope = await _encryptor.EncryptAsync(Html(), Binding);
        var otherEncryptor = new EnvelopeEncryptor(_otherKek);
        // Also with the other key's id written into the record: its RSA key cannot open the value.
        var relabelled = sealedEnvelope with { Key = sealedEnvelope.Key with { WrappedKey = sealedEnvelope.Key.WrappedKey with { KeyId = _otherKek.KeyId } } };

        var unknown = Assert.ThrowsAsync<EnvelopeKeyException>(() => otherEncryptor.DecryptAsync(sealedEnvelope, Binding))!;
        var wrong = Assert.ThrowsAsync<EnvelopeKeyException>(() => otherEncryptor.DecryptAsync(relabelled, Binding))!;

        Assert.Multiple(() =>
        {
            Assert.That(unknown.InnerException, Is.InstanceOf<KeyProviderException>().With.Property("Failure").EqualTo(KeyProviderFailure.KeyNotFound));
            Assert.That(wrong.InnerException, Is.InstanceOf<KeyProviderException>().With.Property("Failure").EqualTo(KeyProviderFailure.Rejected));
            Assert.That(wrong.UserMessage.En, Does.Contain("can no longer be decrypted"));
        });
    }

    [Test]
    public async Task RewrapAsync_AfterRotation_KeepsCiphertextByteIdenticalAndDecryptsWithNewKeyOnlyAsync()
    {
        var path = Path.Combine(_folder.FullName, "rewrap", "kek.pem");
        var content = WithAttachments();
        SealedEnvelope sealedEnvelope;
        string oldKeyId;
        using (var original = LocalKeyFileKek.OpenOrCreate(path, allowDevelopmentKeys: true))
        {
            oldKeyId = original.KeyId;
            sealedEnvelope = await new EnvelopeEncryptor(original).EncryptAsync(content, Binding);
        }

        var ciphertextBefore = sealedEnvelope.Ciphertext.ToArray();
        LocalKeyFileKek.Rotate(path, allowDevelopmentKeys: true);
        WrappedDataKey rewrapped;
        using (var rotated = LocalKeyFileKek.OpenOrCreate(path, allowDevelopmentKeys: true))
        {
            var encryptor = new EnvelopeEncryptor(rotated);
            Assert.That(encryptor.IsCurrent(sealedEnvelope.Key), Is.False);
            rewrapped = await encryptor.RewrapAsync(sealedEnvelope.Key);
            Assert.That(encryptor.IsCurrent(rewrapped), Is.True);
            Assert.That(await encryptor.RewrapAsync(rewrapped), Is.SameAs(rewrapped), "already current: unchanged");
        }

        // Destroy the retired key: only the new key remains, so success below proves the rewrap.
        foreach (var retired in Directory.GetFiles(Path.GetDirectoryName(path)!, "kek.pem.*.retired"))
        {
            File.Delete(retired);
        }

        using var newOnly = LocalKeyFileKek.OpenOrCreate(path, allowDevelopmentKeys: true);
        var opened = await new EnvelopeEncryptor(newOnly).DecryptAsync(sealedEnvelope with { Key = rewrapped }, Binding);

        Assert.Multiple(() =>
        {
            Assert.That(rewrapped.WrappedKey.KeyId, Is.Not.EqualTo(oldKeyId).And.EqualTo(newOnly.KeyId));
            Assert.That(rewrapped.DataKeyId, Is.EqualTo(sealedEnvelope.Key.DataKeyId));
            Assert.That(sealedEnvelope.Ciphertext, Is.EqualTo(ciphertextBefore));
            Assert.That(opened.Attachments[0].Content.ToArray(), Is.EqualTo(content.Attachments[0].Content.ToArray()));
        });
        Assert.ThrowsAsync<EnvelopeKeyException>(() => new EnvelopeEncryptor(newOnly).DecryptAsync(sealedEnvelope, Binding),
            "the old record needs the destroyed key");
    }

    [Test]
    public void EncryptAsync_NoRecipients_Throws()
    {
        Assert.ThrowsAsync<ArgumentException>(() => _encryptor.EncryptAsync(Html(), Binding with { Recipients = [] }));
        Assert.ThrowsAsync<ArgumentException>(() => _encryptor.EncryptAsync(Html(), Binding with { Recipients = ["  "] }));
        Assert.ThrowsAsync<ArgumentException>(() => _encryptor.EncryptAsync(Html(), Binding with { MessageId = "" }));
    }

    private readonly record struct PartLayout(int Offset, int Length)
    {
        public int Size => 12 + 4 + Length + 16;
    }

    /// <summary>Reads the documented layout: "CMEV", version, u16 header length, header, then
    /// nonce(12) | u32 length | ciphertext | tag(16) per part.</summary>
    private static List<PartLayout> Layout(byte[] blob)
    {
        var offset = 7 + BinaryPrimitives.ReadUInt16BigEndian(blob.AsSpan(5, 2));
        var parts = new List<PartLayout>();
        while (offset < blob.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(offset + 12, 4));
            parts.Add(new PartLayout(offset, length));
            offset += 12 + 4 + length + 16;
        }

        return parts;
    }

    private static bool Contains(byte[] blob, string text) => blob.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

    private static byte[] Replace(byte[] blob, string from, string to)
    {
        var copy = blob.ToArray();
        var fromBytes = Encoding.UTF8.GetBytes(from);
        var at = copy.AsSpan().IndexOf(fromBytes);
        Assert.That(at, Is.GreaterThanOrEqualTo(0), "text to tamper with not found");
        Encoding.UTF8.GetBytes(to).CopyTo(copy, at);
        return copy;
    }
}
